//! Money as Indonesians read it. Amounts are integer rupiah everywhere.

pub use setara_core::number::rupiah;
