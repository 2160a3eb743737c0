//! Artefacts generated from the kinds table, for the files that cannot read it at run time.
