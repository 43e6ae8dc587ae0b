//! The page of received messages, in Vietnamese like the rest of the sandbox's pages: a table
//! with a caption and column headers (time, channel, recipient, subject, body), a labelled
//! filter, everything received escaped (an e-mail's HTML is shown as its source, never
//! rendered), and a table that scrolls by itself on a narrow screen instead of the page.

use std::fmt::Write as _;

use axum::response::{Html, IntoResponse, Response};
use time::macros::{format_description, offset};

use super::{Channel, MESSAGES_PATH, Messages, Received, SMS_ENDPOINT_PATH};
use crate::payment::page::escape;

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;\
padding:0 1rem;line-height:1.5;color:#1a1a1a}h1{font-size:1.5rem}\
.note{background:#fff4ce;padding:.5rem 1rem}.scroll{overflow-x:auto}\
table{border-collapse:collapse;width:100%}caption{text-align:left;font-weight:600;padding:.5rem 0}\
th,td{border:1px solid #767676;padding:.5rem;text-align:left;vertical-align:top}\
.body{white-space:pre-wrap;overflow-wrap:anywhere}pre{white-space:pre-wrap;overflow-wrap:anywhere}\
label{display:block;font-weight:600}input{font-size:1rem;padding:.5rem;min-height:44px;\
box-sizing:border-box;width:min(100%,24rem)}button{font-size:1rem;padding:.5rem 1rem;\
min-height:44px;margin:.5rem .5rem 0 0}a:focus,button:focus,input:focus,.scroll:focus,\
summary:focus{outline:3px solid #0b57d0;outline-offset:2px}";

/// Vietnam time, as people there read it.
fn local_time(message: &Received) -> String {
    message
        .at
        .to_offset(offset!(+7))
        .format(format_description!(
            "[day]/[month]/[year] [hour]:[minute]:[second]"
        ))
        .unwrap_or_default()
}

fn row(out: &mut String, message: &Received) {
    let channel = match message.channel {
        Channel::Email => "Thư điện tử",
        Channel::Sms => "Tin nhắn SMS",
    };
    let _ = write!(
        out,
        "<tr>\n<td><time datetime=\"{}\">{}</time></td>\n<td>{channel}<br><small>từ {}</small></td>\n\
         <td>{}</td>\n<td>{}</td>\n<td><div class=\"body\">{}</div>",
        escape(&message.received_at),
        local_time(message),
        escape(&message.from),
        escape(&message.to),
        message
            .subject
            .as_deref()
            .map(escape)
            .unwrap_or_else(|| "—".to_owned()),
        escape(message.text.trim_end()),
    );
    if let Some(html) = &message.html {
        let _ = write!(
            out,
            "\n<details><summary>Phần HTML (mã nguồn)</summary><pre>{}</pre></details>",
            escape(html)
        );
    }
    let _ = writeln!(out, "</td>\n</tr>");
}

/// The page, showing the messages for `to` (all when `None`).
pub(crate) fn render(messages: &Messages, to: Option<&str>) -> Response {
    let listing = messages.listing(to);
    let mut body = String::new();
    let _ = writeln!(body, "<h1>Thư và tin nhắn đã nhận</h1>");
    let _ = writeln!(
        body,
        "<p class=\"note\">Môi trường thử nghiệm: thư gửi đến máy chủ SMTP <code>{}</code> \
         (không mã hoá, không xác thực) và tin nhắn gửi đến cổng SMS <code>{SMS_ENDPOINT_PATH}</code> \
         được giữ lại ở đây, không đến hộp thư hay điện thoại thật. \
         <a href=\"{MESSAGES_PATH}.json\">Bản JSON</a>.</p>",
        escape(&messages.smtp_addr.to_string())
    );
    let _ = writeln!(
        body,
        "<form method=\"get\" action=\"{MESSAGES_PATH}\">\n\
         <label for=\"to\">Lọc theo người nhận (địa chỉ thư hoặc số điện thoại)</label>\n\
         <input id=\"to\" name=\"to\" type=\"text\" autocomplete=\"off\" value=\"{}\">\n\
         <button type=\"submit\">Lọc</button>{}\n</form>",
        escape(to.unwrap_or_default()),
        if to.is_some() {
            format!(" <a href=\"{MESSAGES_PATH}\">Xem tất cả</a>")
        } else {
            String::new()
        }
    );
    if listing.is_empty() {
        let _ = writeln!(body, "<p>Chưa có thư hay tin nhắn nào.</p>");
    } else {
        let _ = writeln!(
            body,
            "<div class=\"scroll\" role=\"region\" aria-labelledby=\"caption\" tabindex=\"0\">\n\
             <table>\n<caption id=\"caption\">{} thư và tin nhắn, mới nhất trước</caption>\n\
             <thead><tr><th scope=\"col\">Thời gian</th><th scope=\"col\">Kênh</th>\
             <th scope=\"col\">Người nhận</th><th scope=\"col\">Tiêu đề</th>\
             <th scope=\"col\">Nội dung</th></tr></thead>\n<tbody>",
            listing.len()
        );
        for message in &listing {
            row(&mut body, message);
        }
        let _ = writeln!(body, "</tbody>\n</table>\n</div>");
    }
    Html(format!(
        "<!doctype html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Thư và tin nhắn đã nhận – Hộp thư thử nghiệm</title>\n<style>{STYLE}</style>\n\
         </head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    ))
    .into_response()
}
