//! E-mailing a delivery through the server's SMTP relay (`--smtp-url`): a plain text in
//! the subscriber's languages with the CAP document attached, with the same Message-ID
//! on every try so that a mail client shows a repeat as one.

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};

use crate::model::alert::Alert;
use crate::model::subscriber::{Delivery, Subscriber};

/// An SMTP relay and who the e-mails are from.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    domain: String,
}

impl Mailer {
    /// A mailer through relay `url` (`smtp://host:port`, `smtp://…?tls=required`,
    /// `smtps://user:password@host`), from `from`.
    ///
    /// # Errors
    /// When the URL or the address is not one.
    pub fn new(url: &str, from: &str, timeout: std::time::Duration) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("--smtp-url is not an SMTP URL (smtp://host:port, smtps://user:password@host): {e}"))?
            .timeout(Some(timeout))
            .build();
        let from: Mailbox = from.parse().map_err(|e| {
            anyhow::anyhow!(
                "--smtp-from '{from}' is not an address (Name <alerts@example.org>): {e}"
            )
        })?;
        let domain = from.email.domain().to_owned();
        Ok(Self {
            transport,
            from,
            domain,
        })
    }

    /// E-mails `alert` as delivery `d` to subscriber `s`: the relay's reply code, and
    /// what went wrong unless it took the message.
    pub async fn send(
        &self,
        d: &Delivery,
        s: &Subscriber,
        alert: &Alert,
        sender_name: &str,
        cap_url: Option<&str>,
    ) -> (Option<i32>, Option<String>) {
        let Some(to) = s.spec.email.as_deref() else {
            return (
                None,
                Some("the subscriber has no e-mail address any more".into()),
            );
        };
        let to: Mailbox = match to.parse() {
            Ok(m) => m,
            Err(e) => return (None, Some(format!("'{to}' is not an address: {e}"))),
        };
        let langs = &s.spec.languages;
        let text = crate::formats::email::body(alert, langs, sender_name, cap_url);
        let xml = crate::formats::cap::to_xml(alert, sender_name);
        let cap_type = ContentType::parse("application/cap+xml").unwrap_or(ContentType::TEXT_PLAIN);
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(crate::formats::email::subject(alert, langs))
            .message_id(Some(format!("<{}@{}>", d.message_id, self.domain)))
            .multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(text))
                    .singlepart(
                        Attachment::new(format!("alert-{}.xml", alert.id)).body(xml, cap_type),
                    ),
            );
        let message = match message {
            Ok(m) => m,
            Err(e) => return (None, Some(format!("the e-mail could not be written: {e}"))),
        };
        match self.transport.send(message).await {
            Ok(reply) => (reply.code().to_string().parse().ok(), None),
            Err(e) => {
                let code = e.status().and_then(|c| c.to_string().parse().ok());
                (
                    code,
                    Some(
                        format!("the SMTP relay refused or failed: {e}")
                            .chars()
                            .take(500)
                            .collect(),
                    ),
                )
            }
        }
    }
}
