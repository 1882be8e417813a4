//! What SessionKit reads and writes on the wire and in a JWT: the session model (M1-M3), the
//! Stytch transport and its error classes (T1-T4, E1-E3), the local JWT checks (J1, J2), and
//! hostile input against every parser (E6).

#[path = "../support/mod.rs"]
mod support;

mod hostile_input;
mod jwt;
mod model;
mod transport;
