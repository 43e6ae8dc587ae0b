//! The SMTP sink: a small RFC 5321 server written here. The crates that embed an SMTP server
//! did not fit: `mailin-embedded` runs its own blocking threads (no tokio, so neither the
//! sandbox's shutdown nor an asynchronous delay reaches it) and `mailin`'s state machine
//! advertises neither SIZE nor SMTPUTF8; the server part of the protocol is a page of code. The
//! message itself is read with `mail-parser`.
//!
//! Replies carry enhanced status codes (RFC 3463), as advertised. Lines end with CRLF; a bare LF
//! is tolerated, as most servers do.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use mail_parser::MessageParser;
use tokio::io::{AsyncBufRead, AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _};
use tokio::io::{AsyncWrite, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::{Channel, Messages, Received, Sink, now};

/// The largest message accepted, advertised with SIZE.
pub(crate) const MAX_SIZE: usize = 10 * 1024 * 1024;
/// Longest command line (RFC 5321 §4.5.3.1.4 asks for 512 octets at least; extensions such as
/// SIZE and SMTPUTF8 add parameters).
const MAX_COMMAND: usize = 2048;
/// Longest text line inside DATA (RFC 5321 asks for 1000 at least; generous for clients that
/// do not fold long HTML lines).
const MAX_TEXT_LINE: usize = 64 * 1024;
/// Most recipients of one message (RFC 5321 §4.5.3.1.8 asks for 100 at least).
const MAX_RECIPIENTS: usize = 100;
/// How long a client may stay silent (RFC 5321 §4.5.3.2.7 suggests 5 minutes).
const IDLE: Duration = Duration::from_secs(300);
/// The name the sink gives itself.
const HOST: &str = "motcua-sandbox";

/// Accepts connections on `listener` until `stop` turns true (or its sender is dropped); the
/// sessions still open then are ended.
pub(crate) async fn serve(
    listener: TcpListener,
    messages: Arc<Messages>,
    mut stop: watch::Receiver<bool>,
) {
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            // The guard `wait_for` returns is not Send; only the fact is kept.
            () = async {
                let _ = stop.wait_for(|stopped| *stopped).await;
            } => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let messages = messages.clone();
                    sessions.spawn(async move {
                        if let Err(error) = session(stream, peer, &messages).await {
                            tracing::debug!(%peer, %error, "SMTP session ended by an I/O error");
                        }
                    });
                }
                Err(error) => {
                    // Out of file descriptors, most likely: pause rather than spin.
                    tracing::warn!(%error, "the SMTP sink cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
        }
    }
    sessions.shutdown().await;
}

/// What a read line turned out to be.
#[derive(Debug, PartialEq, Eq)]
enum Line {
    /// A whole line, its end included, is in the buffer.
    Complete,
    /// The line was longer than allowed; it was read to its end and dropped.
    TooLong,
    /// The client closed the connection (possibly in the middle of a line).
    Closed,
}

/// Reads one line of at most `limit` bytes into `buf` (cleared first).
async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Line> {
    buf.clear();
    let limit = u64::try_from(limit).unwrap_or(u64::MAX);
    let read = (&mut *reader).take(limit).read_until(b'\n', buf).await?;
    if buf.ends_with(b"\n") {
        return Ok(Line::Complete);
    }
    if u64::try_from(read).unwrap_or(0) < limit {
        return Ok(Line::Closed);
    }
    let mut rest = Vec::new();
    loop {
        rest.clear();
        let read = (&mut *reader)
            .take(limit)
            .read_until(b'\n', &mut rest)
            .await?;
        if read == 0 {
            return Ok(Line::Closed);
        }
        if rest.ends_with(b"\n") {
            buf.clear();
            return Ok(Line::TooLong);
        }
    }
}

/// Writes one reply (a line, or several joined by `\r\n` for a multi-line reply).
async fn reply<W: AsyncWrite + Unpin>(writer: &mut W, text: &str) -> io::Result<()> {
    writer.write_all(text.as_bytes()).await?;
    writer.write_all(b"\r\n").await?;
    writer.flush().await
}

/// The transaction under way.
#[derive(Debug, Default)]
struct Transaction {
    /// The reverse path of MAIL FROM (empty for the null path `<>`), once given.
    from: Option<String>,
    /// The forward paths accepted so far.
    to: Vec<String>,
}

async fn pause(messages: &Messages) {
    let delay = messages.switches(Sink::Smtp).delay_ms;
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
}

async fn session(stream: TcpStream, peer: SocketAddr, messages: &Messages) -> io::Result<()> {
    let (read, mut writer) = stream.into_split();
    let mut reader = BufReader::new(read);
    pause(messages).await;
    if !messages.switches(Sink::Smtp).available {
        return reply(
            &mut writer,
            "421 4.3.2 Service not available, closing transmission channel (sandbox switched down)",
        )
        .await;
    }
    reply(
        &mut writer,
        &format!("220 {HOST} ESMTP motcua sandbox sink (plain, no TLS)"),
    )
    .await?;
    let mut greeted = false;
    let mut transaction = Transaction::default();
    let mut line = Vec::new();
    loop {
        let read = match tokio::time::timeout(IDLE, read_line(&mut reader, &mut line, MAX_COMMAND))
            .await
        {
            Ok(read) => read?,
            Err(_) => {
                return reply(&mut writer, "421 4.4.2 Idle too long, closing connection").await;
            }
        };
        match read {
            Line::Closed => return Ok(()),
            Line::TooLong => {
                reply(&mut writer, "500 5.5.6 Line too long").await?;
                continue;
            }
            Line::Complete => {}
        }
        let command = String::from_utf8_lossy(&line);
        let command = command.trim_end_matches(['\r', '\n']);
        let (verb, argument) = command.split_once(' ').unwrap_or((command, ""));
        let argument = argument.trim();
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" | "HELO" if argument.is_empty() => {
                reply(&mut writer, "501 5.5.4 Say who you are: EHLO <domain>").await?;
            }
            "EHLO" => {
                greeted = true;
                transaction = Transaction::default();
                reply(
                    &mut writer,
                    &format!(
                        "250-{HOST} greets {argument}\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n\
                         250-SIZE {MAX_SIZE}\r\n250 ENHANCEDSTATUSCODES"
                    ),
                )
                .await?;
            }
            "HELO" => {
                greeted = true;
                transaction = Transaction::default();
                reply(&mut writer, &format!("250 {HOST}")).await?;
            }
            "MAIL" => {
                let answer = mail(greeted, &mut transaction, argument);
                reply(&mut writer, answer).await?;
            }
            "RCPT" => {
                let reject = messages.switches(Sink::Smtp).reject;
                let answer = rcpt(&mut transaction, argument, reject);
                reply(&mut writer, answer).await?;
            }
            "DATA" => {
                if transaction.from.is_none() {
                    reply(&mut writer, "503 5.5.1 MAIL first").await?;
                    continue;
                }
                if transaction.to.is_empty() {
                    reply(&mut writer, "554 5.5.1 No valid recipients").await?;
                    continue;
                }
                reply(&mut writer, "354 End data with <CR><LF>.<CR><LF>").await?;
                let data = match read_data(&mut reader).await? {
                    Data::Message(data) => data,
                    Data::Closed => return Ok(()),
                    refused => {
                        transaction = Transaction::default();
                        let answer = if refused == Data::TooLarge {
                            "552 5.3.4 Message size exceeds fixed maximum message size"
                        } else {
                            "500 5.5.6 Line too long"
                        };
                        reply(&mut writer, answer).await?;
                        continue;
                    }
                };
                pause(messages).await;
                let kept = keep(messages, &transaction, &data);
                tracing::info!(%peer, recipients = transaction.to.len(), "SMTP sink received a message");
                transaction = Transaction::default();
                reply(&mut writer, &format!("250 2.0.0 OK: queued as <{kept}>")).await?;
            }
            "RSET" => {
                transaction = Transaction::default();
                reply(&mut writer, "250 2.0.0 OK").await?;
            }
            "NOOP" => reply(&mut writer, "250 2.0.0 OK").await?,
            "VRFY" => {
                reply(
                    &mut writer,
                    "252 2.1.5 Cannot VRFY user, but will accept message and attempt delivery",
                )
                .await?;
            }
            "HELP" => {
                reply(
                    &mut writer,
                    "214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP VRFY HELP QUIT",
                )
                .await?;
            }
            "QUIT" => return reply(&mut writer, "221 2.0.0 Bye").await,
            "STARTTLS" | "AUTH" | "BDAT" | "ETRN" | "EXPN" | "TURN" => {
                reply(
                    &mut writer,
                    "502 5.5.1 Command not implemented (the sandbox sink is plain SMTP)",
                )
                .await?;
            }
            _ => {
                reply(&mut writer, "500 5.5.2 Syntax error, command unrecognized").await?;
            }
        }
    }
}

/// How the data after `354` ended.
#[derive(Debug, PartialEq, Eq)]
enum Data {
    /// The message, dot-stuffing undone.
    Message(Vec<u8>),
    /// Larger than [`MAX_SIZE`]: read to its end and dropped.
    TooLarge,
    /// A line longer than allowed: read to its end and dropped.
    LineTooLong,
    /// The client went away or stayed silent too long before the end.
    Closed,
}

/// Reads the message after `354` up to the line holding a single dot.
async fn read_data<R: AsyncBufRead + Unpin>(reader: &mut R) -> io::Result<Data> {
    let mut data = Vec::new();
    let mut refused = None;
    let mut line = Vec::new();
    loop {
        let read =
            match tokio::time::timeout(IDLE, read_line(reader, &mut line, MAX_TEXT_LINE)).await {
                Ok(read) => read?,
                Err(_) => return Ok(Data::Closed),
            };
        match read {
            Line::Closed => return Ok(Data::Closed),
            Line::TooLong => refused = refused.or(Some(Data::LineTooLong)),
            Line::Complete => {
                if line == b".\r\n" || line == b".\n" {
                    return Ok(refused.unwrap_or(Data::Message(data)));
                }
                // RFC 5321 §4.5.2: a line starting with a dot had one more added.
                let text = line.strip_prefix(b".").unwrap_or(&line);
                if refused.is_some() {
                    continue;
                }
                if data.len() + text.len() > MAX_SIZE {
                    refused = Some(Data::TooLarge);
                    data = Vec::new();
                } else {
                    data.extend_from_slice(text);
                }
            }
        }
    }
}

/// The answer to `MAIL FROM:<path> [parameters]`.
fn mail(greeted: bool, transaction: &mut Transaction, argument: &str) -> &'static str {
    if !greeted {
        return "503 5.5.1 Send EHLO or HELO first";
    }
    if transaction.from.is_some() {
        return "503 5.5.1 Nested MAIL command";
    }
    let Some((path, parameters)) = path_and_parameters(argument, "FROM:") else {
        return "501 5.5.4 Syntax: MAIL FROM:<address>";
    };
    for parameter in parameters {
        let (name, value) = parameter.split_once('=').unwrap_or((parameter, ""));
        match name.to_ascii_uppercase().as_str() {
            "SIZE" => match value.parse::<usize>() {
                Ok(size) if size > MAX_SIZE => {
                    return "552 5.3.4 Message size exceeds fixed maximum message size";
                }
                Ok(_) => {}
                Err(_) => return "501 5.5.4 SIZE wants a number",
            },
            "BODY"
                if ["7BIT", "8BITMIME"]
                    .iter()
                    .any(|b| b.eq_ignore_ascii_case(value)) => {}
            "SMTPUTF8" if value.is_empty() => {}
            _ => return "555 5.5.4 MAIL parameter not recognized or not implemented",
        }
    }
    transaction.from = Some(path.to_owned());
    "250 2.1.0 OK"
}

/// The answer to `RCPT TO:<path>`; every recipient is refused when `reject`.
fn rcpt(transaction: &mut Transaction, argument: &str, reject: bool) -> &'static str {
    if transaction.from.is_none() {
        return "503 5.5.1 MAIL first";
    }
    let Some((path, parameters)) = path_and_parameters(argument, "TO:") else {
        return "501 5.5.4 Syntax: RCPT TO:<address>";
    };
    if !parameters.is_empty() {
        return "555 5.5.4 RCPT parameters not recognized or not implemented";
    }
    let is_mailbox = path
        .rsplit_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty());
    if !is_mailbox && !path.eq_ignore_ascii_case("postmaster") {
        return "501 5.1.3 Bad recipient address syntax";
    }
    if reject {
        return "550 5.1.1 Mailbox unavailable (the sandbox is switched to reject)";
    }
    if transaction.to.len() >= MAX_RECIPIENTS {
        return "452 4.5.3 Too many recipients";
    }
    transaction.to.push(path.to_owned());
    "250 2.1.5 OK"
}

/// The path between angle brackets after `keyword` (`FROM:`, `TO:`, any case, spaces allowed
/// after the colon), without a source route, and the parameters after it.
fn path_and_parameters<'a>(argument: &'a str, keyword: &str) -> Option<(&'a str, Vec<&'a str>)> {
    let head = argument.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = argument[keyword.len()..].trim_start().strip_prefix('<')?;
    let (path, parameters) = rest.split_once('>')?;
    // "<@relay.example:user@example.vn>": the route is obsolete and ignored (RFC 5321 §4.1.2).
    let path = match path.split_once(':') {
        Some((route, mailbox)) if route.starts_with('@') => mailbox,
        _ => path,
    };
    Some((path.trim(), parameters.split_whitespace().collect()))
}

/// What the sink keeps of a message.
#[derive(Debug, Default, PartialEq, Eq)]
struct Content {
    id: Option<String>,
    from: Option<String>,
    subject: Option<String>,
    text: String,
    html: Option<String>,
}

/// Reads the headers and bodies of `data`. The parts are taken as they were sent: mail-parser
/// would otherwise offer a text part converted to HTML (or the reverse) when one is missing.
fn content(data: &[u8]) -> Content {
    let Some(message) = MessageParser::default().parse(data) else {
        return Content {
            text: String::from_utf8_lossy(data).into_owned(),
            ..Content::default()
        };
    };
    let from = message
        .from()
        .and_then(|a| a.first())
        .map(|a| match (a.name(), a.address()) {
            (Some(name), Some(address)) => format!("{name} <{address}>"),
            (name, address) => name.or(address).unwrap_or_default().to_owned(),
        });
    let text = message
        .text_bodies()
        .find(|p| p.is_text() && !p.is_text_html())
        .and_then(|p| p.text_contents())
        .unwrap_or_default()
        .to_owned();
    let html = message
        .html_bodies()
        .find(|p| p.is_text_html())
        .and_then(|p| p.text_contents())
        .map(str::to_owned);
    Content {
        id: message.message_id().map(str::to_owned),
        from,
        subject: message.subject().map(str::to_owned),
        text,
        html,
    }
}

/// Keeps `data` once per recipient of `transaction`; returns the id kept (the `Message-ID`, or
/// one made up when the message has none).
fn keep(messages: &Messages, transaction: &Transaction, data: &[u8]) -> String {
    let (at, received_at) = now();
    let content = content(data);
    let id = content
        .id
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let from = content
        .from
        .unwrap_or_else(|| transaction.from.clone().unwrap_or_default());
    for to in &transaction.to {
        messages.keep(Received {
            channel: Channel::Email,
            id: id.clone(),
            from: from.clone(),
            to: to.clone(),
            subject: content.subject.clone(),
            text: content.text.clone(),
            html: content.html.clone(),
            received_at: received_at.clone(),
            at,
        });
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_read_with_their_parameters_in_any_case() {
        assert_eq!(
            path_and_parameters("FROM:<a@b.vn> SIZE=10 BODY=8BITMIME", "FROM:"),
            Some(("a@b.vn", vec!["SIZE=10", "BODY=8BITMIME"]))
        );
        assert_eq!(path_and_parameters("from: <>", "FROM:"), Some(("", vec![])));
        assert_eq!(
            path_and_parameters("To:<@relay.vn:lan@b.vn>", "TO:"),
            Some(("lan@b.vn", vec![]))
        );
        assert_eq!(path_and_parameters("TO:lan@b.vn", "TO:"), None);
        assert_eq!(path_and_parameters("FROM:<a@b.vn>", "TO:"), None);
    }

    #[test]
    fn commands_out_of_order_or_with_unknown_parameters_are_refused() {
        let mut t = Transaction::default();
        assert!(mail(false, &mut t, "FROM:<a@b.vn>").starts_with("503"));
        assert!(rcpt(&mut t, "TO:<c@d.vn>", false).starts_with("503"));
        assert!(mail(true, &mut t, "FROM:<a@b.vn> FOO=1").starts_with("555"));
        assert!(
            mail(
                true,
                &mut t,
                &format!("FROM:<a@b.vn> SIZE={}", MAX_SIZE + 1)
            )
            .starts_with("552")
        );
        assert!(mail(true, &mut t, "FROM:<a@b.vn> SMTPUTF8").starts_with("250"));
        assert!(mail(true, &mut t, "FROM:<a@b.vn>").starts_with("503"));
        assert!(rcpt(&mut t, "TO:<not-an-address>", false).starts_with("501"));
        assert!(rcpt(&mut t, "TO:<c@d.vn>", true).starts_with("550"));
        assert!(rcpt(&mut t, "TO:<c@d.vn>", false).starts_with("250"));
        assert_eq!(t.to, vec!["c@d.vn".to_owned()]);
    }

    #[test]
    fn both_bodies_and_the_headers_are_read_and_a_missing_part_stays_missing() {
        let raw = "Message-ID: <abc@motcua>\r\nFrom: =?utf-8?b?Q+G7lW5n?= <no-reply@motcua.test>\r\n\
                   Subject: =?utf-8?q?H=E1=BB=93_s=C6=A1?=\r\nMIME-Version: 1.0\r\n\
                   Content-Type: text/plain; charset=utf-8\r\n\r\nKính gửi\r\n";
        let content = content(raw.as_bytes());
        assert_eq!(content.id.as_deref(), Some("abc@motcua"));
        assert_eq!(content.from.as_deref(), Some("Cổng <no-reply@motcua.test>"));
        assert_eq!(content.subject.as_deref(), Some("Hồ sơ"));
        assert_eq!(content.text, "Kính gửi\r\n");
        assert_eq!(content.html, None);
    }

    #[tokio::test]
    async fn data_is_unstuffed_ends_at_the_lone_dot_and_is_refused_when_too_large() {
        let mut input: &[u8] = b"Subject: x\r\n\r\n..leading dot\r\n.\r\nNOOP\r\n";
        let data = read_data(&mut input).await.expect("in memory");
        assert_eq!(
            data,
            Data::Message(b"Subject: x\r\n\r\n.leading dot\r\n".to_vec())
        );
        // What follows the end of the data is the next command, still unread.
        assert_eq!(input, b"NOOP\r\n");

        let mut large = vec![b'a'; MAX_TEXT_LINE - 2];
        large.extend_from_slice(b"\r\n");
        let mut input = large.repeat(MAX_SIZE / MAX_TEXT_LINE + 1);
        input.extend_from_slice(b".\r\n");
        let data = read_data(&mut input.as_slice()).await.expect("in memory");
        assert_eq!(data, Data::TooLarge);

        let mut cut: &[u8] = b"Subject: x\r\n\r\nno end";
        assert_eq!(read_data(&mut cut).await.expect("in memory"), Data::Closed);
    }
}
