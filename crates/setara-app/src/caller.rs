//! Who calls an operation and what they may do.
//!
//! The CLI fills a [`Caller`] from its flags (an administrator over everything by default);
//! the server will fill it from authentication. Operations check the role here, never in a
//! front end.

use serde::Serialize;
use setara_core::{Lang, RegionCode};
use setara_store::Actor;

use crate::error::{Error, ErrorKind};

/// What a caller may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, everywhere (the CLI's default: whoever holds the data directory).
    Administrator,
    /// A social-affairs officer: changes the registry and moves money of programmes.
    Officer,
    /// Reads and checks (the ledger's audit, receipts, statistics); changes nothing.
    Auditor,
}

/// Who acts: recorded with every change ([`Actor`]), the language of messages, the role and,
/// for a regional officer, the region they may see (`None`: everywhere).
#[derive(Clone, Debug)]
pub struct Caller {
    pub actor: Actor,
    pub lang: Lang,
    pub role: Role,
    pub scope: Option<RegionCode>,
}

impl Caller {
    /// An administrator over everything.
    pub fn administrator(actor: Actor, lang: Lang) -> Caller {
        Caller {
            actor,
            lang,
            role: Role::Administrator,
            scope: None,
        }
    }

    /// A social-affairs officer of one region (or, without a region, of all).
    pub fn officer(actor: Actor, lang: Lang, scope: Option<RegionCode>) -> Caller {
        Caller {
            actor,
            lang,
            role: Role::Officer,
            scope,
        }
    }

    /// Whether a record in `region` is within what the caller may see.
    pub fn sees(&self, region: RegionCode) -> bool {
        self.scope.is_none_or(|s| region.is_within(s))
    }

    /// Refuses callers who may not change the registry (`forbidden_role`).
    pub fn require_registry_change(&self) -> Result<(), Error> {
        match self.role {
            Role::Administrator | Role::Officer => Ok(()),
            Role::Auditor => Err(Error::new(
                ErrorKind::Forbidden,
                "forbidden_role",
                "peran auditor hanya dapat membaca dan memeriksa; koreksi data keluarga memerlukan peran petugas atau administrator",
                "the auditor role may only read and check; correcting a household needs the officer or administrator role",
            )),
        }
    }

    /// Refuses callers who may not read the access log (`forbidden_role`): the auditor and an
    /// administrator over everything may; an officer may not (who read a household is not
    /// the business of the officers being watched).
    pub fn require_audit(&self) -> Result<(), Error> {
        match (self.role, self.scope) {
            (Role::Auditor, _) | (Role::Administrator, None) => Ok(()),
            _ => Err(Error::new(
                ErrorKind::Forbidden,
                "forbidden_role",
                "log akses hanya dapat dibaca oleh auditor atau administrator atas seluruh data",
                "the access log can be read by an auditor or an administrator over all data only",
            )),
        }
    }

    /// Refuses callers who may not move money (`forbidden_role`).
    pub fn require_money(&self) -> Result<(), Error> {
        match self.role {
            Role::Administrator | Role::Officer => Ok(()),
            Role::Auditor => Err(Error::new(
                ErrorKind::Forbidden,
                "forbidden_role",
                "peran auditor hanya dapat membaca dan memeriksa; mencatat atau membayarkan dana memerlukan peran petugas atau administrator",
                "the auditor role may only read and check; recording or paying out money needs the officer or administrator role",
            )),
        }
    }

    /// Refuses callers other than an administrator over everything (`forbidden_role`): the
    /// whole data directory at once (backup, restore) is the installation's business.
    pub fn require_administrator(&self, what: &str) -> Result<(), Error> {
        match (self.role, self.scope) {
            (Role::Administrator, None) => Ok(()),
            _ => Err(Error::new(
                ErrorKind::Forbidden,
                "forbidden_role",
                format!("{what} memerlukan peran administrator atas seluruh data"),
                format!("{what} needs the administrator role over all data"),
            )),
        }
    }
}
