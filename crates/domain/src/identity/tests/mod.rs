//! Tests of the personal identification number: examples of each rule, property tests over
//! generated numbers, and the check that every rule has a message in both languages.

mod messages;
mod parse;
mod properties;
