//! The language as the analysis reads it: the kinds table of `ward-language`, re-exported,
//! and the lookups the checks and IDE features share.

pub use ward_language::*;
use ward_syntax::{BlockKind, Field};

/// The fields an item of `kind` may have, or those of a block in it.
pub fn fields_of(kind: ItemKind, block: Option<&BlockKind>) -> &'static [FieldSpec] {
    match block {
        None => kind.fields(),
        Some(block) => block_spec(block).fields,
    }
}

/// The table row of a block kind.
pub fn block_spec(block: &BlockKind) -> &'static BlockSpec {
    match block {
        BlockKind::Residual => &residual::BLOCK,
        BlockKind::Gate(_) => &gate::BLOCK,
        BlockKind::Matrix => &matrix::BLOCK,
    }
}

/// The first field of `fields` that `spec` describes.
pub fn find<'a>(fields: &'a [Field], spec: &FieldSpec) -> Option<&'a Field> {
    fields.iter().find(|field| field.name == spec.name)
}
