//! Tests of `ward report`: snapshots of every format, escaping, and a browser check.
