//! Procedure search for the portal: citizens type names the way they speak them, without tone
//! marks, with "ki" for "ký", with filler words, half-finished, or paste a procedure code, and
//! must still land on the procedure they meant.
//!
//! [`fold`] gives the comparable form of any text, [`ProcedureFilter`] narrows by facets, and
//! [`SearchIndex`] ranks a catalogue's procedures against a query (its documentation states the
//! ranking rules).

mod filter;
mod fold;
mod index;

pub use filter::ProcedureFilter;
pub use fold::{fold, tokens};
pub use index::SearchIndex;

#[cfg(test)]
mod tests;
