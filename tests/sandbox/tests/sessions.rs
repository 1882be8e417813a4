//! The session endpoints and JWTs as a client sees them over real HTTP.

mod common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use common::{assert_error, authenticate, client, revoke, success_data};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};
use sessionkit_sandbox::{Endpoint, Sandbox, SandboxConfig, jwt};

fn time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .expect("a timestamp string")
        .parse()
        .expect("an RFC 3339 timestamp")
}

fn assert_full_session(session: &Value) {
    for field in [
        "session_id",
        "user_id",
        "started_at",
        "last_accessed_at",
        "expires_at",
        "attributes",
        "authentication_factors",
        "custom_claims",
        "roles",
    ] {
        assert!(session.get(field).is_some(), "session lacks {field}");
    }
    assert!(
        session["session_id"]
            .as_str()
            .unwrap()
            .starts_with("session-test-")
    );
    assert!(
        session["user_id"]
            .as_str()
            .unwrap()
            .starts_with("user-test-")
    );
    assert!(session["attributes"]["ip_address"].is_string());
    assert!(session["attributes"]["user_agent"].is_string());
    assert!(session["expires_at"].as_str().unwrap().ends_with('Z'));
    let factor = &session["authentication_factors"][0];
    assert_eq!(factor["type"], "password");
    assert_eq!(factor["delivery_method"], "knowledge");
    for field in ["last_authenticated_at", "created_at", "updated_at"] {
        time(&factor[field]);
    }
    assert!(factor["email_factor"]["email_id"].is_string());
    assert!(factor["email_factor"]["email_address"].is_string());
}

#[tokio::test]
async fn sign_in_over_http_creates_user_then_checks_password() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client();
    let url = format!("{}/sdk/v1/passwords/authenticate", sandbox.base_url());
    let send = |password: &'static str| {
        client
            .post(&url)
            .basic_auth(sandbox.public_token(), Some(sandbox.public_token()))
            .json(&json!({"email": "ada@example.com", "password": password, "session_duration_minutes": 30}))
            .send()
    };

    let data = success_data(send("pw-1").await.unwrap()).await;
    assert_full_session(&data["session"]);
    assert_eq!(data["user_id"], data["session"]["user_id"]);
    assert_eq!(data["user"]["user_id"], data["user_id"]);
    assert_eq!(data["session_token"].as_str().unwrap().len(), 44);
    let session = &data["session"];
    let lifetime = time(&session["expires_at"]) - time(&session["started_at"]);
    assert_eq!(lifetime.num_minutes(), 30);
    assert!(sandbox.is_session_active(data["session_token"].as_str().unwrap()));

    assert_error(send("pw-2").await.unwrap(), 401, "unauthorized_credentials").await;
    success_data(send("pw-1").await.unwrap()).await;
    assert_eq!(sandbox.request_count(Endpoint::SignIn), 3);
}

#[tokio::test]
async fn sign_in_defaults_to_sixty_minutes() {
    let sandbox = Sandbox::start().await.unwrap();
    let signed_in = sandbox.sign_in("grace@example.com", "pw").await;
    let session = &signed_in.session;
    let lifetime = time(&session["expires_at"]) - time(&session["started_at"]);
    assert_eq!(lifetime.num_minutes(), 60);
    assert_full_session(session);
    assert!(format!("{signed_in:?}").contains("<redacted>"));
    assert!(!format!("{signed_in:?}").contains(&signed_in.session_token));
}

#[tokio::test]
async fn authenticate_rotates_the_jwt_and_keeps_the_token() {
    let sandbox = Sandbox::start().await.unwrap();
    let signed_in = sandbox.sign_in("ada@example.com", "pw").await;
    let client = client();

    let data = success_data(
        authenticate(&client, &sandbox, &signed_in.session_token, Some(120))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(data["session_token"], signed_in.session_token.as_str());
    assert_ne!(data["session_jwt"], signed_in.session_jwt.as_str());
    let session = &data["session"];
    assert_full_session(session);
    assert_eq!(session["session_id"], signed_in.session_id());
    assert_eq!(session["started_at"], signed_in.session["started_at"]);
    assert!(time(&session["last_accessed_at"]) > time(&signed_in.session["last_accessed_at"]));
    let extended = time(&session["expires_at"]) - time(&session["last_accessed_at"]);
    assert_eq!(extended.num_minutes(), 120);
    assert_eq!(data["user"]["user_id"], signed_in.user_id());

    // Without a duration the expiry stays, and the JWT still rotates.
    let again = success_data(
        authenticate(&client, &sandbox, &signed_in.session_token, None)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(again["session"]["expires_at"], session["expires_at"]);
    assert_ne!(again["session_jwt"], data["session_jwt"]);
}

#[tokio::test]
async fn revoke_then_authenticate_is_session_not_found() {
    let sandbox = Sandbox::start().await.unwrap();
    let signed_in = sandbox.sign_in("ada@example.com", "pw").await;
    let client = client();

    let revoked = revoke(&client, &sandbox, &signed_in.session_token)
        .await
        .unwrap();
    let data = success_data(revoked).await;
    assert_eq!(
        data.as_object().unwrap().len(),
        2,
        "only status_code and request_id"
    );
    assert!(!sandbox.is_session_active(&signed_in.session_token));

    let response = authenticate(&client, &sandbox, &signed_in.session_token, None)
        .await
        .unwrap();
    assert_error(response, 404, "session_not_found").await;
    let response = revoke(&client, &sandbox, &signed_in.session_token)
        .await
        .unwrap();
    assert_error(response, 404, "session_not_found").await;
}

#[tokio::test]
async fn wrong_or_missing_public_token_is_unauthorized_credentials() {
    let sandbox = Sandbox::start().await.unwrap();
    let signed_in = sandbox.sign_in("ada@example.com", "pw").await;
    let client = client();
    let url = format!("{}/sdk/v1/sessions/authenticate", sandbox.base_url());

    let wrong = client
        .post(&url)
        .basic_auth("public-token-test-wrong", Some(&signed_in.session_token))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let body = assert_error(wrong, 401, "unauthorized_credentials").await;
    let fixture_keys = [
        "status_code",
        "request_id",
        "error_type",
        "error_message",
        "error_url",
    ];
    let keys: Vec<_> = body.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, fixture_keys);

    let missing = client.post(&url).json(&json!({})).send().await.unwrap();
    assert_error(missing, 401, "unauthorized_credentials").await;
    let bearer = client
        .post(&url)
        .bearer_auth(&signed_in.session_token)
        .send()
        .await
        .unwrap();
    assert_error(bearer, 401, "unauthorized_credentials").await;
    // The session itself was not touched.
    assert!(sandbox.is_session_active(&signed_in.session_token));
}

#[tokio::test]
async fn unknown_token_is_session_not_found() {
    let sandbox = Sandbox::start().await.unwrap();
    let response = authenticate(&client(), &sandbox, "no-such-token", None)
        .await
        .unwrap();
    assert_error(response, 404, "session_not_found").await;
}

#[tokio::test]
async fn out_of_range_duration_is_invalid_session_duration() {
    let sandbox = Sandbox::start().await.unwrap();
    let signed_in = sandbox.sign_in("ada@example.com", "pw").await;
    let client = client();
    for minutes in [0, 4, 527_041, -5] {
        let response = authenticate(&client, &sandbox, &signed_in.session_token, Some(minutes))
            .await
            .unwrap();
        assert_error(response, 400, "invalid_session_duration").await;
    }
    for minutes in [5, 527_040] {
        let response = authenticate(&client, &sandbox, &signed_in.session_token, Some(minutes))
            .await
            .unwrap();
        success_data(response).await;
    }
}

#[tokio::test]
async fn advance_clock_expires_the_session() {
    let sandbox = Sandbox::start().await.unwrap();
    let signed_in = sandbox.sign_in_for("ada@example.com", "pw", 10).await;
    let client = client();

    sandbox.advance_clock(Duration::from_secs(9 * 60));
    let response = authenticate(&client, &sandbox, &signed_in.session_token, None)
        .await
        .unwrap();
    success_data(response).await;

    sandbox.advance_clock(Duration::from_secs(2 * 60));
    assert!(!sandbox.is_session_active(&signed_in.session_token));
    let response = authenticate(&client, &sandbox, &signed_in.session_token, None)
        .await
        .unwrap();
    assert_error(response, 404, "session_not_found").await;
}

#[tokio::test]
async fn expire_session_and_revoke_all() {
    let sandbox = Sandbox::start().await.unwrap();
    let first = sandbox.sign_in("ada@example.com", "pw").await;
    let second = sandbox.sign_in("grace@example.com", "pw").await;
    let client = client();

    assert!(sandbox.expire_session(&first.session_token));
    assert!(!sandbox.expire_session("no-such-token"));
    let response = authenticate(&client, &sandbox, &first.session_token, None)
        .await
        .unwrap();
    assert_error(response, 404, "session_not_found").await;

    sandbox.revoke_all();
    let response = authenticate(&client, &sandbox, &second.session_token, None)
        .await
        .unwrap();
    assert_error(response, 404, "session_not_found").await;
}

#[tokio::test]
async fn session_jwt_verifies_against_the_jwks() {
    let sandbox = Sandbox::start().await.unwrap();
    let signed_in = sandbox.sign_in("ada@example.com", "pw").await;
    let client = client();

    let response = client.get(sandbox.jwks_url()).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let jwks: Value = response.json().await.unwrap();
    assert_eq!(jwks["status_code"], 200);
    let key = &jwks["keys"][0];
    assert_eq!(key["kty"], "RSA");
    assert_eq!(key["alg"], "RS256");
    assert_eq!(key["use"], "sig");
    assert_eq!(key["kid"], jwt::KID);
    let (n, e) = (key["n"].as_str().unwrap(), key["e"].as_str().unwrap());
    assert!(!n.contains('=') && !n.contains('+') && !n.contains('/'));
    assert_eq!(e, "AQAB");
    assert_eq!((n, e), jwt::public_key_components());

    let data = success_data(
        authenticate(&client, &sandbox, &signed_in.session_token, None)
            .await
            .unwrap(),
    )
    .await;
    let token = data["session_jwt"].as_str().unwrap();
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    assert_eq!(header.kid.as_deref(), Some(jwt::KID));

    let decoding = DecodingKey::from_rsa_components(n, e).unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[sandbox.project_id()]);
    validation.set_issuer(&[format!("stytch.com/{}", sandbox.project_id())]);
    validation.leeway = 60;
    let claims = jsonwebtoken::decode::<Value>(token, &decoding, &validation)
        .unwrap()
        .claims;
    assert_eq!(claims["sub"], signed_in.user_id());
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        300
    );
    assert_eq!(claims["nbf"], claims["iat"]);
    let session_claim = &claims[jwt::SESSION_CLAIM];
    assert_eq!(session_claim["id"], signed_in.session_id());
    for field in [
        "started_at",
        "last_accessed_at",
        "expires_at",
        "attributes",
        "authentication_factors",
    ] {
        assert_eq!(session_claim[field], data["session"][field], "{field}");
    }

    // Re-signed claims verify; a payload swapped under another signature does not.
    let mut forged = sandbox.session_claims(&data["session"]);
    forged["sub"] = json!("user-test-someone-else");
    let good = sandbox.mint_jwt(&forged);
    assert!(jsonwebtoken::decode::<Value>(&good, &decoding, &validation).is_ok());
    let (head, rest) = good.split_once('.').unwrap();
    let (_, signature) = rest.split_once('.').unwrap();
    let tampered = format!("{head}.{}.{signature}", token.split('.').nth(1).unwrap());
    assert!(jsonwebtoken::decode::<Value>(&tampered, &decoding, &validation).is_err());
}

#[tokio::test]
async fn jwks_for_another_project_is_not_found() {
    let sandbox = Sandbox::start().await.unwrap();
    let response = client()
        .get(format!(
            "{}/v1/sessions/jwks/project-test-other",
            sandbox.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_error(response, 404, "project_not_found").await;
}

#[tokio::test]
async fn config_is_honoured() {
    let sandbox = Sandbox::start_with(SandboxConfig {
        public_token: "public-token-test-fixed".into(),
        project_id: "project-test-fixed".into(),
        jwt_lifetime: Duration::from_secs(60),
        default_session_minutes: 15,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    assert_eq!(sandbox.public_token(), "public-token-test-fixed");
    assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
    assert!(!sandbox.base_url().ends_with('/'));
    assert_eq!(
        sandbox.jwks_url(),
        format!("{}/v1/sessions/jwks/project-test-fixed", sandbox.base_url())
    );
    let signed_in = sandbox.sign_in("ada@example.com", "pw").await;
    let session = &signed_in.session;
    assert_eq!(
        (time(&session["expires_at"]) - time(&session["started_at"])).num_minutes(),
        15
    );
    let claims = jsonwebtoken::dangerous::insecure_decode::<Value>(&signed_in.session_jwt)
        .unwrap()
        .claims;
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        60
    );
    assert_eq!(claims["aud"], json!(["project-test-fixed"]));
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client();
    let jwks_url = sandbox.jwks_url();
    assert!(client.get(&jwks_url).send().await.is_ok());
    sandbox.shutdown();
    // The abort lands when the runtime next polls the server task.
    let mut refused = false;
    for _ in 0..100 {
        tokio::task::yield_now().await;
        let fresh = common::client();
        if fresh.get(&jwks_url).send().await.is_err() {
            refused = true;
            break;
        }
    }
    assert!(refused, "the server still answers after shutdown");
}
