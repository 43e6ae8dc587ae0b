//! The e-mail and SMS sinks over real sockets: the production clients of
//! `integrations::notify` deliver to them and read their failures as a retry needs; a raw SMTP
//! session and raw eSMS requests check the protocols apart from those clients; the page and the
//! JSON listing show what arrived.

use std::time::Duration;

use integrations::notify::{
    Email, Mailer as _, SendError, Sms, SmsConfig, SmsGateway, SmsSender as _, SmtpConfig,
    SmtpMailer, SmtpSecurity,
};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;
use uuid::Uuid;

use sandbox::Sandbox;

async fn start() -> Sandbox {
    sandbox::spawn("127.0.0.1:0".parse().expect("an address"))
        .await
        .expect("the sandbox starts")
}

fn mailer(sandbox: &Sandbox, timeout: Duration) -> SmtpMailer {
    let mut config = SmtpConfig::new(
        "127.0.0.1",
        sandbox.smtp_addr().port(),
        SmtpSecurity::Plain,
        "Cổng dịch vụ công <no-reply@motcua.test>",
    );
    config.timeout = timeout;
    SmtpMailer::new(config).expect("a plain mailer")
}

fn gateway(sandbox: &Sandbox, secret: &str, timeout: Duration) -> SmsGateway {
    let o = sandbox.options();
    let mut config = SmsConfig::new(
        &sandbox.sms_endpoint(),
        &o.sms_api_key,
        secret,
        &o.sms_brandname,
    );
    config.timeout = timeout;
    SmsGateway::new(config).expect("an SMS client")
}

fn email(to: &str) -> Email {
    Email {
        id: Uuid::now_v7(),
        to: to.to_owned(),
        subject: "Hồ sơ của bạn đã được tiếp nhận – Sở Tư pháp".to_owned(),
        text: "Kính gửi ông Trần Văn Đức,\nhồ sơ đăng ký khai sinh đã được tiếp nhận.".to_owned(),
        html: "<p>Kính gửi ông <strong>Trần Văn Đức</strong>,</p><p>hồ sơ đăng ký khai sinh đã được tiếp nhận.</p>"
            .to_owned(),
    }
}

fn sms(to: &str) -> Sms {
    Sms {
        id: Uuid::now_v7(),
        to: to.to_owned(),
        text: "Hồ sơ 000.00.01.H10-260309-0001 đã được tiếp nhận".to_owned(),
    }
}

/// The messages for `to` (all with `None`), newest first.
async fn received(sandbox: &Sandbox, to: Option<&str>) -> Vec<Value> {
    let mut url = reqwest::Url::parse(&format!("{}.json", sandbox.messages_url())).expect("url");
    if let Some(to) = to {
        url.query_pairs_mut().append_pair("to", to);
    }
    let listing: Value = reqwest::get(url)
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON");
    listing["messages"].as_array().cloned().unwrap_or_default()
}

async fn switch(sandbox: &Sandbox, action: &str) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{}/{action}", sandbox.messages_url()))
        .send()
        .await
        .expect("an answer");
    assert!(
        response.status().is_success(),
        "{action}: {}",
        response.status()
    );
    response.json().await.expect("JSON")
}

#[tokio::test]
async fn an_email_from_the_smtp_mailer_arrives_with_its_subject_both_bodies_and_message_id() {
    let sandbox = start().await;
    let email = email("duc.tran@example.vn");
    mailer(&sandbox, Duration::from_secs(5))
        .send(&email)
        .await
        .expect("the sink accepts it");

    let messages = received(&sandbox, Some("DUC.TRAN@example.vn")).await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    let m = &messages[0];
    assert_eq!(m["channel"], "email");
    assert_eq!(m["id"], format!("{}@motcua", email.id));
    assert_eq!(m["to"], "duc.tran@example.vn");
    assert_eq!(m["from"], "Cổng dịch vụ công <no-reply@motcua.test>");
    assert_eq!(m["subject"], email.subject);
    // Line ends travel as CRLF; the words and their diacritics arrive intact.
    assert_eq!(
        m["text"].as_str().map(|t| t.replace("\r\n", "\n")),
        Some(email.text.clone())
    );
    assert_eq!(
        m["html"].as_str().map(str::trim_end),
        Some(email.html.as_str())
    );
    assert!(m["received_at"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert!(
        received(&sandbox, Some("other@example.vn"))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn an_sms_from_the_gateway_client_arrives_once_however_often_its_id_is_sent() {
    let sandbox = start().await;
    let client = gateway(&sandbox, "sandbox-sms-secret", Duration::from_secs(5));
    let message = sms("+84 912 345 678");
    client.send(&message).await.expect("accepted");
    // A retry whose first answer was lost: the gateway drops the repeat, the client is content.
    client.send(&message).await.expect("a duplicate is success");

    let messages = received(&sandbox, Some("0912.345.678")).await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    let m = &messages[0];
    assert_eq!(m["channel"], "sms");
    assert_eq!(m["id"], message.id.to_string());
    assert_eq!(m["to"], "0912345678");
    assert_eq!(m["from"], "MOTCUA");
    assert_eq!(
        m["text"],
        "Ho so 000.00.01.H10-260309-0001 da duoc tiep nhan"
    );
    assert_eq!(m["subject"], Value::Null);
}

#[tokio::test]
async fn down_is_transient_reject_is_permanent_and_both_sinks_work_again_afterwards() {
    let sandbox = start().await;
    let mailer = mailer(&sandbox, Duration::from_secs(5));
    let client = gateway(&sandbox, "sandbox-sms-secret", Duration::from_secs(5));

    let state = switch(&sandbox, "down").await;
    assert_eq!(state["smtp"]["available"], false);
    assert_eq!(state["sms"]["available"], false);
    let mail = mailer.send(&email("a@example.vn")).await;
    assert!(matches!(mail, Err(SendError::Transient(_))), "{mail:?}");
    let text = client.send(&sms("0912345678")).await;
    assert!(matches!(text, Err(SendError::Transient(_))), "{text:?}");

    switch(&sandbox, "up").await;
    switch(&sandbox, "reject").await;
    let mail = mailer.send(&email("a@example.vn")).await;
    assert!(matches!(mail, Err(SendError::Permanent(_))), "{mail:?}");
    let text = client.send(&sms("0912345678")).await;
    assert!(matches!(text, Err(SendError::Permanent(_))), "{text:?}");
    assert!(received(&sandbox, None).await.is_empty());

    // One sink at a time: the SMS gateway accepts again, the SMTP sink still refuses.
    switch(&sandbox, "accept?sink=sms").await;
    client.send(&sms("0912345678")).await.expect("accepted");
    let mail = mailer.send(&email("a@example.vn")).await;
    assert!(matches!(mail, Err(SendError::Permanent(_))), "{mail:?}");

    let state = switch(&sandbox, "reset").await;
    assert_eq!(
        state["smtp"],
        json!({"available": true, "delay_ms": 0, "reject": false})
    );
    mailer
        .send(&email("a@example.vn"))
        .await
        .expect("delivered");
    assert_eq!(received(&sandbox, None).await.len(), 2);
}

#[tokio::test]
async fn a_sink_slower_than_the_clients_timeout_is_a_transient_failure() {
    let sandbox = start().await;
    switch(&sandbox, "slow?ms=1500").await;
    let timeout = Duration::from_millis(300);
    let mail = mailer(&sandbox, timeout).send(&email("a@example.vn")).await;
    assert!(matches!(mail, Err(SendError::Transient(_))), "{mail:?}");
    let text = gateway(&sandbox, "sandbox-sms-secret", timeout)
        .send(&sms("0912345678"))
        .await;
    assert!(matches!(text, Err(SendError::Transient(_))), "{text:?}");
    let state = switch(&sandbox, "slow?ms=0").await;
    assert_eq!(state["sms"]["delay_ms"], 0);
}

#[tokio::test]
async fn wrong_keys_and_numbers_that_are_no_mobile_are_permanent_failures() {
    let sandbox = start().await;
    let wrong = gateway(&sandbox, "not-the-secret", Duration::from_secs(5))
        .send(&sms("0912345678"))
        .await;
    assert!(matches!(wrong, Err(SendError::Permanent(_))), "{wrong:?}");
    // A landline with its area code is a Vietnamese number, but no phone receives SMS on it.
    let landline = gateway(&sandbox, "sandbox-sms-secret", Duration::from_secs(5))
        .send(&sms("024 3825 1234"))
        .await;
    assert!(
        matches!(landline, Err(SendError::Permanent(_))),
        "{landline:?}"
    );
    assert!(received(&sandbox, None).await.is_empty());
}

/// Posts `body` to the eSMS call.
async fn esms(sandbox: &Sandbox, body: &Value) -> Value {
    reqwest::Client::new()
        .post(format!(
            "{}{}",
            sandbox.url(),
            sandbox::messages::SMS_SEND_PATH
        ))
        .json(body)
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON")
}

#[tokio::test]
async fn the_gateway_answers_the_documented_codes_to_raw_requests() {
    let sandbox = start().await;
    let request = json!({
        "ApiKey": "sandbox-sms-key", "SecretKey": "sandbox-sms-secret", "Brandname": "MOTCUA",
        "SmsType": "2", "Content": "Ma xac nhan 123456", "Phone": "0987654321",
        "IsUnicode": "0", "RequestId": "req-1"
    });
    let answer = esms(&sandbox, &request).await;
    assert_eq!(answer["CodeResult"], "100");
    assert!(answer["SMSID"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(esms(&sandbox, &request).await["CodeResult"], "124");

    for (field, value, code) in [
        ("SecretKey", "wrong", "101"),
        ("Brandname", "OTHER", "104"),
        ("SmsType", "8", "118"),
        ("SmsType", "", "300"),
        ("Phone", "12345", "108"),
        ("Content", " ", "146"),
    ] {
        let mut changed = request.clone();
        changed[field] = json!(value);
        changed["RequestId"] = json!(format!("req-{field}-{code}"));
        assert_eq!(
            esms(&sandbox, &changed).await["CodeResult"],
            code,
            "{field}"
        );
    }
    assert_eq!(received(&sandbox, None).await.len(), 1);
}

/// Reads one reply, all its lines.
async fn read_reply(reader: &mut BufReader<TcpStream>) -> String {
    let mut reply = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.expect("a reply line");
        reply.push_str(&line);
        // The last line of a reply has a space (or nothing) after the code.
        if line.len() < 4 || line.as_bytes()[3] != b'-' {
            return reply;
        }
    }
}

async fn say(reader: &mut BufReader<TcpStream>, line: &str) -> String {
    reader
        .get_mut()
        .write_all(format!("{line}\r\n").as_bytes())
        .await
        .expect("sent");
    read_reply(reader).await
}

#[tokio::test]
async fn a_raw_smtp_session_follows_rfc_5321_and_undoes_dot_stuffing() {
    let sandbox = start().await;
    let stream = TcpStream::connect(sandbox.smtp_addr())
        .await
        .expect("the SMTP sink listens");
    let mut smtp = BufReader::new(stream);
    assert!(read_reply(&mut smtp).await.starts_with("220 "));
    assert!(
        say(&mut smtp, "MAIL FROM:<a@b.vn>")
            .await
            .starts_with("503")
    );
    let ehlo = say(&mut smtp, "EHLO client.example.vn").await;
    for extension in ["8BITMIME", "SMTPUTF8", "SIZE 10485760"] {
        assert!(
            ehlo.contains(&format!("250-{extension}\r\n"))
                || ehlo.contains(&format!("250 {extension}\r\n")),
            "{ehlo}"
        );
    }
    assert!(say(&mut smtp, "DATA").await.starts_with("503"));
    assert!(
        say(&mut smtp, "MAIL FROM:<a@b.vn>")
            .await
            .starts_with("250")
    );
    assert!(
        say(&mut smtp, "RCPT TO:<first@example.vn>")
            .await
            .starts_with("250")
    );
    assert!(say(&mut smtp, "RSET").await.starts_with("250"));
    assert!(say(&mut smtp, "NOOP").await.starts_with("250"));
    assert!(say(&mut smtp, "STARTTLS").await.starts_with("502"));
    assert!(
        say(&mut smtp, "mail from:<a@b.vn> BODY=8BITMIME")
            .await
            .starts_with("250")
    );
    assert!(
        say(&mut smtp, "RCPT TO:<x@example.vn>")
            .await
            .starts_with("250")
    );
    assert!(
        say(&mut smtp, "RCPT TO:<y@example.vn>")
            .await
            .starts_with("250")
    );
    assert!(say(&mut smtp, "DATA").await.starts_with("354"));
    let data =
        "Message-ID: <raw-1@client>\r\nSubject: plain\r\n\r\nfirst line\r\n..dotted line\r\n.";
    let done = say(&mut smtp, data).await;
    assert!(done.starts_with("250 2.0.0"), "{done}");
    assert!(say(&mut smtp, "QUIT").await.starts_with("221"));

    // RSET dropped the first recipient; each of the others has a copy.
    let messages = received(&sandbox, None).await;
    let mut to: Vec<&str> = messages.iter().filter_map(|m| m["to"].as_str()).collect();
    to.sort_unstable();
    assert_eq!(to, ["x@example.vn", "y@example.vn"]);
    for m in &messages {
        assert_eq!(m["id"], "raw-1@client");
        assert_eq!(m["text"], "first line\r\n.dotted line\r\n");
        assert_eq!(m["html"], Value::Null);
    }
}

#[tokio::test]
async fn the_page_lists_messages_newest_first_escaped_and_filtered() {
    let sandbox = start().await;
    let mailer = mailer(&sandbox, Duration::from_secs(5));
    let mut first = email("lan@example.vn");
    first.subject = "<script>alert(1)</script> Thông báo".to_owned();
    mailer.send(&first).await.expect("delivered");
    let second = email("binh@example.vn");
    mailer.send(&second).await.expect("delivered");

    let page = reqwest::get(sandbox.messages_url())
        .await
        .expect("an answer")
        .text()
        .await
        .expect("HTML");
    assert!(page.contains("<html lang=\"vi\">"), "{page}");
    assert!(page.contains("<th scope=\"col\">Người nhận</th>"), "{page}");
    assert!(!page.contains("<script>"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt; Thông báo"),
        "{page}"
    );
    // The HTML part is shown as its source.
    assert!(
        page.contains("&lt;strong&gt;Trần Văn Đức&lt;/strong&gt;"),
        "{page}"
    );
    let (lan, binh) = (page.find("lan@example.vn"), page.find("binh@example.vn"));
    assert!(
        matches!((lan, binh), (Some(l), Some(b)) if b < l),
        "newest first: {page}"
    );

    let filtered = reqwest::get(format!("{}?to=lan@example.vn", sandbox.messages_url()))
        .await
        .expect("an answer")
        .text()
        .await
        .expect("HTML");
    assert!(filtered.contains("value=\"lan@example.vn\""), "{filtered}");
    assert!(!filtered.contains("binh@example.vn"), "{filtered}");

    let json: Value = reqwest::get(format!("{}?format=json", sandbox.messages_url()))
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON");
    assert_eq!(json["smtp"], sandbox.smtp_addr().to_string());
    assert_eq!(json["messages"][0]["to"], "binh@example.vn");

    let overview: Value = reqwest::get(format!("{}/_sandbox", sandbox.url()))
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON");
    assert_eq!(overview["messages"], "/_sandbox/messages");

    switch(&sandbox, "clear").await;
    assert!(received(&sandbox, None).await.is_empty());
}

#[tokio::test]
async fn stopping_the_sandbox_frees_the_smtp_port() {
    let sandbox = start().await;
    let smtp = sandbox.smtp_addr();
    assert_eq!(smtp.ip(), std::net::Ipv4Addr::LOCALHOST);
    sandbox.stop().await.expect("stops");
    assert!(TcpStream::connect(smtp).await.is_err());
}
