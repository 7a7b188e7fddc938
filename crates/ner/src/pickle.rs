//! jiagu's model files: a gzipped pickle of `(weights, classes)`, where `weights` maps a
//! feature string to `{label: weight}` and `classes` is the set of labels. Parsed with
//! `serde-pickle` into a flat table: feature → row of weights, one column per label.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use serde_pickle::DeOptions;

use crate::NerError;

/// Averaged-perceptron weights: labels sorted by name, and per feature one weight per label.
pub(crate) struct Weights {
    pub labels: Vec<String>,
    /// The feature names; a feature's number is its row.
    pub features: Vec<String>,
    /// `features.len() × labels.len()`.
    pub table: Vec<f64>,
}

pub(crate) fn read_perceptron(path: &Path) -> Result<Weights, NerError> {
    let err = |why: String| NerError::format(path, why);
    let f = std::fs::File::open(path).map_err(|e| err(e.to_string()))?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(std::io::BufReader::new(f))
        .read_to_end(&mut bytes)
        .map_err(|e| err(format!("not gzip: {e}")))?;
    type Raw = (HashMap<String, HashMap<String, f64>>, Vec<String>);
    let (weights, classes): Raw = serde_pickle::from_slice(&bytes, DeOptions::new())
        .map_err(|e| err(format!("not jiagu's (weights, classes) pickle: {e}")))?;
    let mut labels = classes;
    labels.sort();
    let col: HashMap<&str, usize> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    let k = labels.len();
    let mut names = Vec::with_capacity(weights.len());
    let mut table = vec![0f64; weights.len() * k];
    for (row, (feat, w)) in weights.into_iter().enumerate() {
        for (label, weight) in w {
            let Some(&c) = col.get(label.as_str()) else {
                return Err(err(format!("feature {feat:?}: unknown label {label:?}")));
            };
            table[row * k + c] = weight;
        }
        names.push(feat);
    }
    Ok(Weights {
        labels,
        features: names,
        table,
    })
}
