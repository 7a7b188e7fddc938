//! API errors: one enum, one table from error to `(status, code)`, JSON bodies. Internal
//! failures are logged with their cause and answered with a generic message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use wire::api::{ErrorBody, IngestRefused, IngestReport};

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("ingest is disabled on this server (start it with --allow-ingest and a token)")]
    IngestDisabled,
    #[error("a valid bearer token is required (Authorization: Bearer TOKEN)")]
    Unauthorized,
    #[error("the request body is too large (at most {0} bytes)")]
    TooLarge(usize),
    #[error("the request took too long")]
    Timeout,
    #[error("this API path does not take that method")]
    MethodNotAllowed,
    #[error("no line of the request could be ingested (see `results` for each line's error)")]
    NothingIngested(Box<IngestReport>),
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// The one table: status and stable code of each error.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::IngestDisabled => (StatusCode::FORBIDDEN, "ingest_disabled"),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::Timeout => (StatusCode::SERVICE_UNAVAILABLE, "timeout"),
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::NothingIngested(_) => (StatusCode::UNPROCESSABLE_ENTITY, "nothing_ingested"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    pub fn body(&self) -> ErrorBody {
        let (_, code) = self.status_and_code();
        ErrorBody {
            code: code.into(),
            message: self.to_string(),
        }
    }
}

impl From<store::StoreError> for ApiError {
    fn from(e: store::StoreError) -> ApiError {
        ApiError::Internal(e.to_string())
    }
}

/// A query that cannot be read is the client's to fix (400 with the reason); a store failure
/// is internal.
impl From<search::SearchError> for ApiError {
    fn from(e: search::SearchError) -> ApiError {
        match e {
            search::SearchError::Query(q) => ApiError::BadRequest(q.to_string()),
            search::SearchError::Store(s) => s.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, _) = self.status_and_code();
        if let ApiError::Internal(why) = &self {
            tracing::error!(error = %why, "request failed");
        }
        let unauthorized = matches!(self, ApiError::Unauthorized);
        let error = self.body();
        let mut r = match self {
            ApiError::NothingIngested(report) => {
                let body = IngestRefused {
                    error,
                    report: *report,
                };
                (status, Json(body)).into_response()
            }
            _ => (status, Json(error)).into_response(),
        };
        if unauthorized {
            r.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code the server answers with is listed in the OpenAPI description, with the
    /// status the table gives it.
    #[test]
    fn every_code_is_described() {
        let spec: serde_json::Value =
            serde_json::from_str(include_str!("../openapi.json")).unwrap();
        let listed = spec["components"]["schemas"]["Error"]["properties"]["code"]["enum"]
            .as_array()
            .unwrap()
            .clone();
        let all = [
            ApiError::NotFound("x".into()),
            ApiError::BadRequest("x".into()),
            ApiError::IngestDisabled,
            ApiError::Unauthorized,
            ApiError::TooLarge(1),
            ApiError::Timeout,
            ApiError::MethodNotAllowed,
            ApiError::NothingIngested(Box::new(IngestReport {
                ingested: 0,
                already_ingested: 0,
                failed: 0,
                results: Vec::new(),
            })),
            ApiError::Internal("x".into()),
        ];
        assert_eq!(listed.len(), all.len());
        let description = spec["info"]["description"].as_str().unwrap();
        for e in all {
            let (status, code) = e.status_and_code();
            assert!(
                listed.iter().any(|c| c == code),
                "{code} not in openapi.json"
            );
            assert!(
                description.contains(&format!("{code} ({})", status.as_u16())),
                "{code} ({status}) not in the description"
            );
            assert_eq!(e.body().code, code);
        }
    }
}
