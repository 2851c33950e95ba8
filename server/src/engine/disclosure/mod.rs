//! Disclosure control: what a caller below the analyst role may learn of restricted
//! layers.

pub mod aggregate;
