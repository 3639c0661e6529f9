//! The mails of accounts: confirm an address, welcome, reset or change a password, a
//! staff invitation.

use crate::platform::mail::layout::{render, Content};
use crate::platform::mail::OutgoingMail;

pub fn verify_email(store: &str, to: &str, name: &str, link: &str) -> OutgoingMail {
    render(
        to,
        Content {
            store,
            subject: format!("Confirm your email for {store}"),
            heading: format!("Welcome, {name}!"),
            paragraphs: vec!["Please confirm this is your email address so we can send you order updates and help you if you ever forget your password.".into()],
            button: Some(("Confirm my email", link)),
            footnote: "The link works for 24 hours. If you did not create an account, you can ignore this message.",
        },
    )
}

pub fn welcome(store: &str, to: &str, name: &str, link: &str) -> OutgoingMail {
    render(
        to,
        Content {
            store,
            subject: format!("Your {store} account is ready"),
            heading: format!("You're all set, {name}"),
            paragraphs: vec!["Your email is confirmed. You can now save addresses for a faster checkout and follow your orders from your account.".into()],
            button: Some(("Go to my account", link)),
            footnote: "Thank you for shopping with us.",
        },
    )
}

pub fn reset_password(store: &str, to: &str, link: &str) -> OutgoingMail {
    render(
        to,
        Content {
            store,
            subject: format!("Reset your {store} password"),
            heading: "Reset your password".into(),
            paragraphs: vec!["Someone (hopefully you) asked to reset the password of the account with this email address. Choose a new password with the button below.".into()],
            button: Some(("Choose a new password", link)),
            footnote: "The link works once, for 30 minutes. If you did not ask for it, ignore this message: your password stays as it is.",
        },
    )
}

pub fn account_exists(store: &str, to: &str, link: &str) -> OutgoingMail {
    render(
        to,
        Content {
            store,
            subject: format!("Your {store} account"),
            heading: "You already have an account".into(),
            paragraphs: vec!["Someone (hopefully you) tried to create an account with this email address, but it already has one. If you forgot your password, you can choose a new one.".into()],
            button: Some(("Reset my password", link)),
            footnote: "If this wasn't you, ignore this message: nothing has changed.",
        },
    )
}

pub fn password_changed(store: &str, to: &str, name: &str, link: &str) -> OutgoingMail {
    render(
        to,
        Content {
            store,
            subject: format!("Your {store} password was changed"),
            heading: format!("{name}, your password was changed"),
            paragraphs: vec!["The password of your account was just changed, and every other device was signed out.".into()],
            button: Some(("Reset it now if this wasn't you", link)),
            footnote: "If you made this change, there is nothing else to do.",
        },
    )
}

pub fn confirm_new_email(store: &str, to: &str, link: &str) -> OutgoingMail {
    render(
        to,
        Content {
            store,
            subject: format!("Confirm your new email for {store}"),
            heading: "Confirm your new email address".into(),
            paragraphs: vec!["You asked to use this address for your account. It takes effect once you confirm it.".into()],
            button: Some(("Use this address", link)),
            footnote: "The link works for 24 hours. If you did not ask for this, ignore this message.",
        },
    )
}

pub fn staff_invite(store: &str, to: &str, inviter: &str, role: &str, link: &str) -> OutgoingMail {
    render(
        to,
        Content {
            store,
            subject: format!("You're invited to the {store} admin"),
            heading: format!("Join {store} as {role}"),
            paragraphs: vec![format!("{inviter} invited you to help run {store}. Accept the invitation to choose your password.")],
            button: Some(("Accept the invitation", link)),
            footnote: "The invitation works for 7 days.",
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_carry_the_link_and_the_html_is_escaped() {
        let mail = verify_email(
            "Ox & Co",
            "a@example.com",
            "<Ada>",
            "https://shop.example/account/verify?token=abc",
        );
        assert!(mail
            .text
            .contains("https://shop.example/account/verify?token=abc"));
        assert!(mail
            .html
            .contains("https://shop.example/account/verify?token=abc"));
        assert!(mail.html.contains("Ox &amp; Co"));
        assert!(mail.html.contains("&lt;Ada&gt;"));
        assert!(!mail.html.contains("<Ada>"));
        assert_eq!(mail.subject, "Confirm your email for Ox & Co");
    }
}
