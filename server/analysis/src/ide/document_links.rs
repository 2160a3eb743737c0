//! Document links: the paths a file names that an editor can open (a verification's
//! `evidence`, relative to the file's folder, as the checks resolve it).

use std::path::PathBuf;

use ward_syntax::TextRange;

use crate::db::{Db, SourceFile, parse};
use crate::model::{ItemModel, Written};
use crate::schema::verification;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentLink {
    /// The string value, quotes included.
    pub range: TextRange,
    pub target: PathBuf,
}

pub(crate) fn document_links(db: &dyn Db, file: SourceFile) -> Vec<DocumentLink> {
    let parsed = parse(db, file);
    let base = file
        .path(db)
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let mut links = Vec::new();
    for (item, map) in parsed.ast.items.iter().zip(&parsed.source_map.items) {
        let Some(verification) = ItemModel::of(item).verification() else {
            continue;
        };
        let Written::Valid(path) = verification.evidence() else {
            continue;
        };
        let range = item
            .fields
            .iter()
            .zip(&map.fields)
            .find(|(field, _)| field.name == verification::EVIDENCE.name)
            .and_then(|(_, field_map)| field_map.values.first().copied());
        if let Some(range) = range {
            links.push(DocumentLink {
                range,
                target: base.join(path),
            });
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use crate::ide::fixture;

    #[test]
    fn evidence_paths_relative_to_the_file() {
        let fixture = fixture::load(
            r#"
            //- /verifications/ble.ward
            verification V1 {
              verifies: C1
              evidence: "../evidence/pentest.pdf"
            }
            verification V2 { verifies: C1 }
            "#,
        );
        let analysis = fixture.analysis();
        let file = fixture.file("/verifications/ble.ward");
        let links = analysis.document_links(file).unwrap();
        assert_eq!(links.len(), 1, "{links:?}");
        assert_eq!(
            fixture::range_with_text(&analysis, file, links[0].range),
            r#"verifications/ble.ward:3:13-3:38 "../evidence/pentest.pdf""#
        );
        assert!(
            links[0]
                .target
                .ends_with("verifications/../evidence/pentest.pdf"),
            "{:?}",
            links[0].target
        );
    }
}
