//! Render: fill templates with resolved values, escaping each value for the file it lands in.

pub mod escape;
