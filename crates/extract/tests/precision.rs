//! Precision on page furniture that reads like prose (issue 22): related-story teasers and
//! "more from this author" lists laid out as look-alike cards, next to an article body whose own
//! lists must stay. The pages are written here, made up for the test.

use model::{Content, RawDocument, RawMeta};

fn extract_html(html: &str) -> String {
    let raw = RawDocument {
        id: "t".to_string(),
        source: "t".to_string(),
        content: Content::Html(html.to_string()),
        meta: RawMeta::default(),
        encoding: "UTF-8".to_string(),
    };
    extract::extract(&raw).paragraphs.join("\n")
}

const BODY: &str = "<p>The river authority opened the new flood gates on Tuesday morning, \
    after three years of building work and a long argument about who would pay for it.</p>\
    <p>Engineers said the gates can hold back a surge two metres higher than the one that \
    flooded the lower town in the winter of the great storm, when hundreds left their homes.</p>\
    <p>Residents who gathered on the embankment to watch the first test were relieved, though \
    some said the work had taken far longer than they had been promised at the start.</p>\
    <p>The authority expects to run a full test again in the spring, before the wet season, \
    and will publish the results of both tests on its public notice board in the town hall.</p>\
    <p>The cost of the scheme rose twice while it was being built, first when the foundations \
    had to go deeper than planned and again when the price of steel climbed over the summer.</p>\
    <p>A smaller set of gates upstream is planned for the next decade, the authority said, if \
    the money can be found and the landowners along the bank agree to the route of the works.</p>\
    <p>Until then the lower town will rely on the new gates and on the pumps installed last \
    year, which the council says have already kept two smaller floods out of the streets.</p>";

fn card(i: usize) -> String {
    format!(
        "<div class=\"c-card\"><h3><a href=\"/story/{i}\">Story number {i} about something \
         else entirely</a></h3><p>A summary sentence of story {i} that is written as a full \
         sentence and so reads like prose to a naive extractor.</p></div>"
    )
}

#[test]
fn teaser_cards_after_the_body_are_dropped() {
    let cards: String = (1..=4).map(card).collect();
    let html = format!(
        "<html><body><div class=\"layout\"><h1>Flood gates open</h1>{BODY}\
         <div class=\"c-list\">{cards}</div></div></body></html>"
    );
    let text = extract_html(&html);
    assert!(text.contains("The river authority opened"), "{text}");
    assert!(text.contains("will publish the results"), "{text}");
    assert!(
        !text.contains("A summary sentence of story"),
        "teasers kept: {text}"
    );
}

#[test]
fn one_card_is_not_a_list_of_teasers() {
    // Below the run length: a lone box may be the article's own aside.
    let cards: String = (1..=1).map(card).collect();
    let html = format!(
        "<html><body><div class=\"layout\"><h1>Flood gates open</h1>{BODY}\
         <div class=\"c-list\">{cards}</div></div></body></html>"
    );
    let text = extract_html(&html);
    assert!(text.contains("A summary sentence of story 1"), "{text}");
}

#[test]
fn a_data_table_with_linked_cells_stays() {
    // Rows of a table with a linked name in each are records, not teaser cards.
    let rows: String = (1..=5)
        .map(|i| {
            format!("<tr><td>200{i}</td><td><a href=\"/p/{i}\">Programme {i}</a></td><td>Channel {i}</td></tr>")
        })
        .collect();
    let html = format!(
        "<html><body><div class=\"layout\"><h1>Flood gates open</h1>{BODY}\
         <table>{rows}</table></div></body></html>"
    );
    let text = extract_html(&html);
    assert!(text.contains("Programme 3"), "{text}");
}

#[test]
fn a_page_that_is_a_list_of_teasers_keeps_them() {
    // An index page: the cards are most of the text, so they are the content.
    let cards: String = (1..=6).map(card).collect();
    let html = format!(
        "<html><body><div class=\"layout\"><h1>Latest</h1><p>Short intro to the latest \
         stories from our newsroom this week.</p><div class=\"c-list\">{cards}</div></div>\
         </body></html>"
    );
    let text = extract_html(&html);
    assert!(text.contains("A summary sentence of story 2"), "{text}");
}

#[test]
fn linked_headings_after_the_body_are_dropped_a_linked_title_before_it_stays() {
    // A blog links the post's own title; a box further down links another story's headline.
    let html = format!(
        "<html><body><div class=\"post\"><h2><a href=\"/flood-gates\">Flood gates open on the \
         river at last</a></h2>{BODY}<h3><a href=\"/other\">Council approves the new bus \
         station after long delay</a></h3><p>Posted in Local.</p></div></body></html>"
    );
    let text = extract_html(&html);
    assert!(
        text.contains("Flood gates open on the river at last"),
        "{text}"
    );
    assert!(text.contains("The river authority opened"), "{text}");
    assert!(
        !text.contains("Council approves the new bus station"),
        "linked headline of another story kept: {text}"
    );
}

#[test]
fn a_picture_caption_and_credit_leave_a_long_illustrated_paragraph_stays() {
    let html = format!(
        "<html><body><article><h1>Flood gates open</h1>{BODY}\
         <div class=\"pic\"><img src=\"gates.jpg\"><div class=\"d\">The new gates seen from \
         the north bank.</div></div>\
         <p><img src=\"x.png\">Officials also confirmed that the pumping station at the mouth \
         of the river will stay open through the winter, so that the lower town keeps a second \
         line of defence while the gates are tested again.</p></article></body></html>"
    );
    let text = extract_html(&html);
    assert!(
        !text.contains("seen from the north bank"),
        "caption kept: {text}"
    );
    assert!(text.contains("pumping station at the mouth"), "{text}");
}

#[test]
fn pictures_with_short_text_that_are_the_content_stay() {
    // Steps of a how-to, each a picture and a line: captions would be most of the text.
    let steps: String = (1..=6)
        .map(|i| {
            format!(
                "<div class=\"step\"><img src=\"{i}.jpg\"><div>Step {i}: fold the \
             paper once more along the marked line.</div></div>"
            )
        })
        .collect();
    let html = format!(
        "<html><body><article><h1>Paper boat</h1><p>How to fold a paper boat that floats, in \
         six easy steps for children and grown-ups alike.</p>{steps}</article></body></html>"
    );
    let text = extract_html(&html);
    assert!(text.contains("Step 4: fold the paper"), "{text}");
}
