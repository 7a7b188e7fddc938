//! jiagu's model files: a gzipped pickle of `(weights, classes)`, where `weights` maps a
//! feature string to `{label: weight}` and `classes` is the set of labels. Parsed with
//! `serde-pickle` into a flat table: feature → row of weights, one column per label.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use serde_pickle::{DeOptions, HashableValue, Value};

use crate::NerError;

/// Averaged-perceptron weights: labels sorted by name, and per feature one weight per label.
pub(crate) struct Weights {
    pub labels: Vec<String>,
    pub features: HashMap<Box<str>, u32>,
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
    let value = serde_pickle::value_from_slice(&bytes, DeOptions::new())
        .map_err(|e| err(format!("not a pickle: {e}")))?;
    let Value::Tuple(parts) = value else {
        return Err(err("expected a (weights, classes) tuple".into()));
    };
    let [Value::Dict(weights), classes] = parts.as_slice() else {
        return Err(err("expected a (weights, classes) tuple".into()));
    };
    let classes = match classes {
        Value::Set(s) | Value::FrozenSet(s) => s.iter().cloned().collect::<Vec<_>>(),
        _ => return Err(err("classes: expected a set".into())),
    };
    let mut labels: Vec<String> = classes
        .into_iter()
        .filter_map(|c| match c {
            HashableValue::String(s) => Some(s),
            _ => None,
        })
        .collect();
    labels.sort();
    let col: HashMap<&str, usize> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    let k = labels.len();
    let mut features = HashMap::with_capacity(weights.len());
    let mut table = vec![0f64; weights.len() * k];
    for (row, (feat, w)) in weights.iter().enumerate() {
        let HashableValue::String(feat) = feat else {
            return Err(err("a feature that is not a string".into()));
        };
        let Value::Dict(w) = w else {
            return Err(err(format!("feature {feat:?}: expected a dict")));
        };
        for (label, weight) in w {
            let HashableValue::String(label) = label else {
                continue;
            };
            let Some(&c) = col.get(label.as_str()) else {
                return Err(err(format!("feature {feat:?}: unknown label {label:?}")));
            };
            table[row * k + c] = match weight {
                Value::F64(x) => *x,
                Value::I64(x) => *x as f64,
                _ => return Err(err(format!("feature {feat:?}: weight is not a number"))),
            };
        }
        features.insert(feat.clone().into_boxed_str(), row as u32);
    }
    Ok(Weights {
        labels,
        features,
        table,
    })
}
