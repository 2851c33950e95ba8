//! A local SMTP sink for the delivery tests: it speaks enough SMTP (RFC 5321: EHLO or
//! HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for a real client to hand it messages, and
//! keeps each with its envelope.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};

/// One message handed over.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The envelope sender.
    pub from: String,
    /// The envelope recipients.
    pub to: Vec<String>,
    /// The message as sent (headers and body, dot-unstuffed).
    pub data: String,
}

impl Mail {
    /// A header's value (the first of that name), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let mut lines = self.data.split("\r\n").peekable();
        while let Some(line) = lines.next() {
            if line.is_empty() {
                return None;
            }
            if let Some((n, v)) = line.split_once(':')
                && n.eq_ignore_ascii_case(name)
            {
                let mut value = v.trim().to_owned();
                while let Some(next) = lines.peek().filter(|l| l.starts_with([' ', '\t'])) {
                    value.push(' ');
                    value.push_str(next.trim());
                    lines.next();
                }
                return Some(value);
            }
        }
        None
    }
}

/// A running sink; it stops with its runtime.
#[derive(Clone)]
pub struct SmtpSink {
    /// `smtp://127.0.0.1:PORT`.
    pub url: String,
    got: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpSink {
    /// Starts a sink.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let got: Arc<Mutex<Vec<Mail>>> = Arc::default();
        let keep = got.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(session(socket, keep.clone()));
            }
        });
        Self { url, got }
    }

    /// Every message handed over so far.
    pub fn mails(&self) -> Vec<Mail> {
        self.got.lock().unwrap().clone()
    }
}

async fn session(socket: tokio::net::TcpStream, got: Arc<Mutex<Vec<Mail>>>) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    let say = async |w: &mut tokio::net::tcp::OwnedWriteHalf, text: &str| {
        w.write_all(format!("{text}\r\n").as_bytes()).await.is_ok()
    };
    if !say(&mut write, "220 sink ESMTP").await {
        return;
    }
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let command = line.trim_end().to_owned();
        let verb = command.get(..4).unwrap_or_default().to_ascii_uppercase();
        let reply = match verb.as_str() {
            "EHLO" => "250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8",
            "HELO" | "NOOP" => "250 OK",
            "MAIL" => {
                from = command[10..].trim().trim_matches(['<', '>']).to_owned();
                "250 OK"
            }
            "RCPT" => {
                to.push(command[8..].trim().trim_matches(['<', '>']).to_owned());
                "250 OK"
            }
            "RSET" => {
                from.clear();
                to.clear();
                "250 OK"
            }
            "DATA" => {
                if !say(&mut write, "354 end with <CRLF>.<CRLF>").await {
                    return;
                }
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                got.lock().unwrap().push(Mail {
                    from: std::mem::take(&mut from),
                    to: std::mem::take(&mut to),
                    data,
                });
                "250 OK queued"
            }
            "QUIT" => {
                say(&mut write, "221 bye").await;
                return;
            }
            _ => "502 command not implemented",
        };
        if !say(&mut write, reply).await {
            return;
        }
    }
}
