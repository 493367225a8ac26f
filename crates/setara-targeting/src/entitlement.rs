//! The life of an entitlement (hak bantuan): one per household, programme and cycle.
//!
//! ```text
//! proposed ──► verified ──► approved ──► paid ──► received
//!    │            │  ▲          │          │
//!    │            │  └─ suspended ◄─┘      └─► approved   (only by a ledger reversal)
//!    ▼            ▼        │
//! rejected    rejected     ▼
//! cancelled   cancelled  cancelled
//! ```
//!
//! * `proposed` (diusulkan): created when a selection is frozen.
//! * `verified` (diverifikasi): the field check confirmed the household.
//! * `approved` (disetujui): ready to be paid; only approved entitlements are disbursed.
//! * `paid` (dibayarkan): a disbursement entry is in the ledger — only `setara disburse` moves
//!   an entitlement here. A reversal of that entry (the money came back, e.g. a closed account)
//!   moves it back to `approved`: corrections are new ledger entries, never edits.
//! * `received` (diterima): the household confirmed receipt. Final.
//! * `rejected` (ditolak), `cancelled` (dibatalkan): final; `suspended` (ditangguhkan): on hold,
//!   back to `verified` when resumed. These three need a reason.
//!
//! The invariants the property tests check: money paid never exceeds the approved amount, a
//! cancelled or rejected entitlement is never paid afterwards, `received` only follows `paid`,
//! and a final state is never left.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use setara_core::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Proposed,
    Verified,
    Approved,
    Paid,
    Received,
    Rejected,
    Suspended,
    Cancelled,
}

/// How a transition is made: by an officer's command, or by a ledger movement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// `setara entitlement transition`.
    Officer,
    /// A disbursement entry appended to the ledger (`setara disburse`).
    Disbursement,
    /// A reversal of the disbursement appended to the ledger: the money came back.
    Reversal,
}

impl State {
    pub const ALL: [State; 8] = [
        State::Proposed,
        State::Verified,
        State::Approved,
        State::Paid,
        State::Received,
        State::Rejected,
        State::Suspended,
        State::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            State::Proposed => "proposed",
            State::Verified => "verified",
            State::Approved => "approved",
            State::Paid => "paid",
            State::Received => "received",
            State::Rejected => "rejected",
            State::Suspended => "suspended",
            State::Cancelled => "cancelled",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            State::Proposed => lang.pick("diusulkan", "proposed"),
            State::Verified => lang.pick("diverifikasi", "verified"),
            State::Approved => lang.pick("disetujui", "approved"),
            State::Paid => lang.pick("dibayarkan", "paid"),
            State::Received => lang.pick("diterima", "received"),
            State::Rejected => lang.pick("ditolak", "rejected"),
            State::Suspended => lang.pick("ditangguhkan", "suspended"),
            State::Cancelled => lang.pick("dibatalkan", "cancelled"),
        }
    }

    /// No transition leaves a final state.
    pub fn is_final(self) -> bool {
        matches!(self, State::Received | State::Rejected | State::Cancelled)
    }

    /// Whether the transition needs a reason (all of them are recorded with one when given).
    pub fn needs_reason(self) -> bool {
        matches!(self, State::Rejected | State::Suspended | State::Cancelled)
    }

    /// Whether `self → to` is allowed when made `via`.
    pub fn allows(self, to: State, via: Via) -> bool {
        use State::*;
        match via {
            Via::Disbursement => self == Approved && to == Paid,
            Via::Reversal => self == Paid && to == Approved,
            Via::Officer => matches!(
                (self, to),
                (Proposed, Verified)
                    | (Proposed, Rejected)
                    | (Proposed, Cancelled)
                    | (Verified, Approved)
                    | (Verified, Rejected)
                    | (Verified, Suspended)
                    | (Verified, Cancelled)
                    | (Approved, Suspended)
                    | (Approved, Cancelled)
                    | (Suspended, Verified)
                    | (Suspended, Cancelled)
                    | (Paid, Received)
            ),
        }
    }

    /// The states an officer may move to from here.
    pub fn next(self) -> Vec<State> {
        State::ALL
            .into_iter()
            .filter(|&t| self.allows(t, Via::Officer))
            .collect()
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for State {
    type Err = String;
    fn from_str(s: &str) -> Result<State, String> {
        let s = s.trim().to_ascii_lowercase();
        State::ALL
            .into_iter()
            .find(|x| x.code() == s || x.label(Lang::Id) == s)
            .ok_or_else(|| {
                format!(
                    "unknown state {s:?}; valid: {}",
                    State::ALL.map(State::code).join(", ")
                )
            })
    }
}

/// Why a transition was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    NotAllowed { from: State, to: State },
    ReasonRequired(State),
}

/// Check a transition: allowed from the current state, with a reason where one is needed.
pub fn check(from: State, to: State, via: Via, reason: &str) -> Result<(), Refusal> {
    if !from.allows(to, via) {
        return Err(Refusal::NotAllowed { from, to });
    }
    if to.needs_reason() && reason.trim().is_empty() {
        return Err(Refusal::ReasonRequired(to));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A model entitlement: its state and the money that moved.
    #[derive(Debug)]
    struct Model {
        state: State,
        amount: i64,
        paid: i64,
        ever_final_then_moved: bool,
        paid_after_cancel: bool,
        received_without_paid: bool,
    }

    fn apply(m: &mut Model, to: State, via: Via) {
        let from = m.state;
        if check(from, to, via, "alasan").is_err() {
            return;
        }
        if from.is_final() {
            m.ever_final_then_moved = true;
        }
        match via {
            Via::Disbursement => {
                if matches!(from, State::Cancelled | State::Rejected) {
                    m.paid_after_cancel = true;
                }
                m.paid += m.amount;
            }
            Via::Reversal => m.paid -= m.amount,
            Via::Officer => {
                if to == State::Received && from != State::Paid {
                    m.received_without_paid = true;
                }
            }
        }
        m.state = to;
    }

    fn step() -> impl Strategy<Value = (State, Via)> {
        (
            prop::sample::select(State::ALL.to_vec()),
            prop::sample::select(vec![Via::Officer, Via::Disbursement, Via::Reversal]),
        )
    }

    proptest! {
        #[test]
        fn random_sequences_keep_the_invariants(steps in prop::collection::vec(step(), 0..60), amount in 1i64..5_000_000) {
            let mut m = Model { state: State::Proposed, amount, paid: 0, ever_final_then_moved: false, paid_after_cancel: false, received_without_paid: false };
            for (to, via) in steps {
                apply(&mut m, to, via);
                // Money paid never exceeds the approved amount, and is never negative.
                prop_assert!(m.paid >= 0 && m.paid <= m.amount, "{m:?}");
                // Paid money is exactly what a paid or received entitlement holds.
                prop_assert_eq!(m.paid == m.amount, matches!(m.state, State::Paid | State::Received));
            }
            prop_assert!(!m.ever_final_then_moved);
            prop_assert!(!m.paid_after_cancel);
            prop_assert!(!m.received_without_paid);
        }
    }

    #[test]
    fn reasons_are_required_for_refusals() {
        assert_eq!(
            check(State::Proposed, State::Rejected, Via::Officer, " "),
            Err(Refusal::ReasonRequired(State::Rejected))
        );
        assert!(check(State::Proposed, State::Verified, Via::Officer, "").is_ok());
        assert_eq!(
            check(State::Proposed, State::Paid, Via::Officer, "x"),
            Err(Refusal::NotAllowed {
                from: State::Proposed,
                to: State::Paid
            })
        );
        assert_eq!(State::Approved.next(), [State::Suspended, State::Cancelled]);
        assert_eq!("disetujui".parse::<State>().unwrap(), State::Approved);
    }
}
