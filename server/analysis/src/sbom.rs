//! Reading SBOMs: CycloneDX JSON 1.4 to 1.6 and SPDX 2.3 JSON, told apart by their
//! content, into one neutral model of components and known vulnerabilities, every entry
//! with its byte range in the file so that findings about it are located there.
//!
//! A pure function of the text. The JSON is read with `jsonc-parser` in strict JSON mode:
//! it keeps the byte range of every value, which `serde_json` does not, and has no
//! dependency. The typed CycloneDX crates were not used: `cyclonedx-bom` stops at 1.5,
//! `serde-cyclonedx` keeps no positions, and Ward reads a handful of fields, which a
//! schema-shaped model would make stricter than the tools that write SBOMs.

use jsonc_parser::ast::{Array, Object, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};

/// A byte range in the SBOM's text.
pub type Span = std::ops::Range<usize>;

/// The format an SBOM was read as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Format {
    /// `specVersion`: `1.4`, `1.5` or `1.6`.
    CycloneDx(String),
    /// `spdxVersion`: `SPDX-2.3`.
    Spdx(String),
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Format::CycloneDx(version) => write!(f, "CycloneDX {version}"),
            Format::Spdx(version) => f.write_str(version),
        }
    }
}

/// One component (CycloneDX) or package (SPDX) of the SBOM, the product itself aside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    pub name: String,
    pub version: Option<String>,
    pub purl: Option<String>,
    /// What the purl names, version, qualifiers and subpath aside (the key of matching),
    /// when it is a valid purl: read once here, since an SBOM has thousands of entries.
    pub package: Option<String>,
    /// CycloneDX's `bom-ref`, SPDX's `SPDXID`.
    pub bom_ref: Option<String>,
    pub supplier: Option<String>,
    /// An SPDX license expression, when the SBOM gives one (or a single license ID).
    pub license: Option<String>,
    /// The entry: its JSON object.
    pub span: Span,
    /// Its `name` value: where findings about the entry stand.
    pub name_span: Span,
}

/// A known vulnerability a scanner reported (CycloneDX `vulnerabilities`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vulnerability {
    pub id: String,
    /// The IDs of its `references` (the same advisory elsewhere: GHSA, CVE).
    pub aliases: Vec<String>,
    /// The components it affects.
    pub affects: Vec<Affected>,
    pub span: Span,
    /// Its `id` value: where findings about it point.
    pub id_span: Span,
}

/// One `affects` entry: the bom-ref it names and, when it names a component of this SBOM,
/// that component's index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Affected {
    pub bom_ref: String,
    pub component: Option<usize>,
}

/// What is wrong with the SBOM at a place: `invalid-sbom`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub span: Span,
    pub message: String,
}

/// An SBOM as read: what could be read, and the problems found. A document that is not
/// JSON, or not one of the formats, has no format and one problem.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sbom {
    pub format: Option<Format>,
    pub components: Vec<Component>,
    pub vulnerabilities: Vec<Vulnerability>,
    pub problems: Vec<Problem>,
}

/// The CycloneDX versions Ward reads.
pub const CYCLONEDX_VERSIONS: &[&str] = &["1.4", "1.5", "1.6"];
/// The SPDX version Ward reads.
pub const SPDX_VERSION: &str = "SPDX-2.3";

/// The formats' property names that a Ward field also has (a Ward component mirrors an
/// SBOM entry); the other property names are written where they are read.
mod key {
    pub const VERSION: &str = "version"; // tidy: a CycloneDX property
    pub const PURL: &str = "purl"; // tidy: a CycloneDX property
    pub const BOM_REF: &str = "bom-ref"; // tidy: a CycloneDX property
    pub const SUPPLIER: &str = "supplier"; // tidy: a CycloneDX and SPDX property
    pub const AFFECTS: &str = "affects"; // tidy: a CycloneDX property
    pub const LICENSE: &str = "license"; // tidy: a CycloneDX property
}

/// Reads an SBOM's text.
pub fn read(text: &str) -> Sbom {
    let mut sbom = Sbom::default();
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    let parsed = match jsonc_parser::parse_to_ast(text, &collect, &options) {
        Ok(parsed) => parsed,
        Err(error) => {
            let range = error.range();
            sbom.problem(
                range.start..range.end,
                format!("not well-formed JSON: {}", error.kind()),
            );
            return sbom;
        }
    };
    let Some(Value::Object(root)) = parsed.value else {
        sbom.problem(
            0..text.len(),
            "not an SBOM: the document is not a JSON object".to_owned(),
        );
        return sbom;
    };
    let mut reader = Reader { sbom };
    if let Some(format) = root.get("bomFormat") {
        reader.cyclonedx(&root, &format.value);
    } else if let Some(version) = root.get("spdxVersion") {
        reader.spdx(&root, &version.value);
    } else {
        reader.sbom.problem(
            span(&root),
            "not an SBOM Ward reads: neither `bomFormat` (CycloneDX) nor `spdxVersion` (SPDX)"
                .to_owned(),
        );
    }
    reader.sbom
}

impl Sbom {
    fn problem(&mut self, span: Span, message: String) {
        self.problems.push(Problem { span, message });
    }
}

fn span(node: &impl Ranged) -> Span {
    let range = node.range();
    range.start..range.end
}

/// A string property, or `None` when absent or not a string.
fn string(object: &Object, name: &str) -> Option<String> {
    object.get_string(name).map(|lit| lit.value.to_string())
}

struct Reader {
    sbom: Sbom,
}

impl Reader {
    /// A required string property, with its value's range: `None` and a problem when
    /// absent or not a string.
    fn required_at(&mut self, object: &Object, name: &str, what: &str) -> Option<(String, Span)> {
        match object.get(name) {
            Some(prop) => match &prop.value {
                Value::StringLit(lit) if !lit.value.is_empty() => {
                    Some((lit.value.to_string(), span(lit)))
                }
                other => {
                    self.sbom.problem(
                        span(other),
                        format!("{what}'s `{name}` must be a non-empty string"),
                    );
                    None
                }
            },
            None => {
                self.sbom
                    .problem(span(object), format!("{what} has no `{name}`"));
                None
            }
        }
    }

    /// A required string property: `None` and a problem when absent or not a string.
    fn required(&mut self, object: &Object, name: &str, what: &str) -> Option<String> {
        self.required_at(object, name, what).map(|(value, _)| value)
    }

    /// An array property: `None` when absent; a problem when not an array.
    fn array<'b>(&mut self, object: &'b Object<'b>, name: &str) -> Option<&'b Array<'b>> {
        let prop = object.get(name)?;
        match &prop.value {
            Value::Array(array) => Some(array),
            other => {
                self.sbom
                    .problem(span(other), format!("`{name}` must be an array"));
                None
            }
        }
    }

    fn cyclonedx(&mut self, root: &Object, format: &Value) {
        match format {
            Value::StringLit(lit) if lit.value == "CycloneDX" => {}
            other => {
                self.sbom
                    .problem(span(other), "`bomFormat` must be \"CycloneDX\"".to_owned());
                return;
            }
        }
        let version = match root.get("specVersion").map(|prop| &prop.value) {
            Some(Value::StringLit(lit)) if CYCLONEDX_VERSIONS.contains(&lit.value.as_ref()) => {
                lit.value.to_string()
            }
            Some(other) => {
                self.sbom.problem(
                    span(other),
                    format!(
                        "Ward reads CycloneDX {}; this `specVersion` is not one of them",
                        CYCLONEDX_VERSIONS.join(", ")
                    ),
                );
                return;
            }
            None => {
                self.sbom.problem(
                    span(root),
                    "a CycloneDX BOM has no `specVersion`".to_owned(),
                );
                return;
            }
        };
        self.sbom.format = Some(Format::CycloneDx(version));
        // `metadata.component` is the product the BOM describes, not one of its components.
        if let Some(components) = self.array(root, "components") {
            self.cyclonedx_components(components);
        }
        if let Some(vulnerabilities) = self.array(root, "vulnerabilities") {
            // The components by bom-ref, the first of each: a scan names thousands.
            let mut by_ref: rustc_hash::FxHashMap<String, usize> = Default::default();
            for (at, component) in self.sbom.components.iter().enumerate() {
                if let Some(bom_ref) = &component.bom_ref {
                    by_ref.entry(bom_ref.clone()).or_insert(at);
                }
            }
            for entry in &vulnerabilities.elements {
                self.cyclonedx_vulnerability(entry, &by_ref);
            }
        }
    }

    fn cyclonedx_components(&mut self, components: &Array) {
        for entry in &components.elements {
            let Value::Object(object) = entry else {
                self.sbom
                    .problem(span(entry), "a component must be an object".to_owned());
                continue;
            };
            if let Some((name, name_span)) = self.required_at(object, "name", "a component") {
                let supplier = object
                    .get_object(key::SUPPLIER)
                    .and_then(|supplier| string(supplier, "name"))
                    .or_else(|| string(object, "publisher"));
                let purl = string(object, key::PURL);
                let component = Component {
                    name,
                    version: string(object, key::VERSION),
                    package: purl.as_deref().and_then(crate::supply::purl_package),
                    purl,
                    bom_ref: string(object, key::BOM_REF),
                    supplier,
                    license: cyclonedx_license(object),
                    span: span(object),
                    name_span,
                };
                self.sbom.components.push(component);
            }
            // Nested components (a component's parts) are components of the product too.
            if let Some(nested) = self.array(object, "components") {
                self.cyclonedx_components(nested);
            }
        }
    }

    fn cyclonedx_vulnerability(
        &mut self,
        entry: &Value,
        by_ref: &rustc_hash::FxHashMap<String, usize>,
    ) {
        let Value::Object(object) = entry else {
            self.sbom
                .problem(span(entry), "a vulnerability must be an object".to_owned());
            return;
        };
        let Some((id, id_span)) = self.required_at(object, "id", "a vulnerability") else {
            return;
        };
        let mut aliases: Vec<String> = Vec::new();
        if let Some(references) = self.array(object, "references") {
            for reference in &references.elements {
                if let Some(alias) = reference.as_object().and_then(|r| string(r, "id"))
                    && alias != id
                    && !aliases.contains(&alias)
                {
                    aliases.push(alias);
                }
            }
        }
        let mut affects = Vec::new();
        if let Some(entries) = self.array(object, key::AFFECTS) {
            for affected in &entries.elements {
                let Some(target) = affected.as_object().and_then(|a| string(a, "ref")) else {
                    self.sbom.problem(
                        span(affected),
                        "an `affects` entry must be an object with a `ref`".to_owned(),
                    );
                    continue;
                };
                let bom_ref = bom_link_target(&target).unwrap_or(target);
                let component = by_ref.get(&bom_ref).copied();
                affects.push(Affected { bom_ref, component });
            }
        }
        self.sbom.vulnerabilities.push(Vulnerability {
            id,
            aliases,
            affects,
            span: span(object),
            id_span,
        });
    }

    fn spdx(&mut self, root: &Object, version: &Value) {
        match version {
            Value::StringLit(lit) if lit.value == SPDX_VERSION => {}
            other => {
                self.sbom.problem(
                    span(other),
                    format!("Ward reads SPDX JSON of `spdxVersion` \"{SPDX_VERSION}\""),
                );
                return;
            }
        }
        self.sbom.format = Some(Format::Spdx(SPDX_VERSION.to_owned()));
        // The packages the document describes are the product, not its components.
        let mut described: Vec<String> = Vec::new();
        if let Some(describes) = root.get_array("documentDescribes") {
            described.extend(
                describes
                    .elements
                    .iter()
                    .filter_map(|value| value.as_string_lit().map(|lit| lit.value.to_string())),
            );
        }
        if let Some(relationships) = root.get_array("relationships") {
            for relationship in relationships.elements.iter().filter_map(Value::as_object) {
                if string(relationship, "relationshipType").as_deref() == Some("DESCRIBES")
                    && string(relationship, "spdxElementId").as_deref() == Some("SPDXRef-DOCUMENT")
                    && let Some(target) = string(relationship, "relatedSpdxElement")
                {
                    described.push(target);
                }
            }
        }
        let Some(packages) = self.array(root, "packages") else {
            return;
        };
        for entry in &packages.elements {
            let Value::Object(object) = entry else {
                self.sbom
                    .problem(span(entry), "a package must be an object".to_owned());
                continue;
            };
            let id = self.required(object, "SPDXID", "a package");
            let Some((name, name_span)) = self.required_at(object, "name", "a package") else {
                continue;
            };
            if id.as_ref().is_some_and(|id| described.contains(id)) {
                continue;
            }
            let purl = object
                .get_array("externalRefs")
                .into_iter()
                .flat_map(|refs| refs.elements.iter())
                .filter_map(Value::as_object)
                .find(|reference| string(reference, "referenceType").as_deref() == Some(key::PURL))
                .and_then(|reference| string(reference, "referenceLocator"));
            let supplier = string(object, key::SUPPLIER)
                .filter(|supplier| supplier != "NOASSERTION")
                .map(|supplier| {
                    // "Organization: Acme" or "Person: A. Smith (a@example.com)".
                    match supplier.split_once(": ") {
                        Some((_, name)) => name.to_owned(),
                        None => supplier,
                    }
                });
            let license = ["licenseDeclared", "licenseConcluded"]
                .into_iter()
                .filter_map(|field| string(object, field))
                .find(|license| license != "NOASSERTION" && license != "NONE");
            self.sbom.components.push(Component {
                name,
                version: string(object, "versionInfo"),
                package: purl.as_deref().and_then(crate::supply::purl_package),
                purl,
                bom_ref: id,
                supplier,
                license,
                span: span(object),
                name_span,
            });
        }
    }
}

/// A component's license as one SPDX expression: its `expression`, or its only license's
/// `id`. Several licenses, or licenses by name only, give none.
fn cyclonedx_license(object: &Object) -> Option<String> {
    let licenses = object.get_array("licenses")?;
    match licenses.elements.as_slice() {
        [Value::Object(choice)] => string(choice, "expression").or_else(|| {
            choice
                .get_object(key::LICENSE)
                .and_then(|license| string(license, "id"))
        }),
        _ => None,
    }
}

/// The bom-ref a BOM-Link names (`urn:cdx:<serial>/<version>#<bom-ref>`, the bom-ref
/// percent-encoded); `None` when `reference` is no BOM-Link. A link into another BOM (a
/// scanner's VEX beside the SBOM) names its component by bom-ref all the same.
fn bom_link_target(reference: &str) -> Option<String> {
    let rest = reference.strip_prefix("urn:cdx:")?;
    let (document, fragment) = rest.split_once('#')?;
    document.split_once('/')?;
    Some(percent_decode(fragment))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%'
            && let Some(hex) = text.get(at + 1..at + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            at += 3;
            continue;
        }
        out.push(bytes[at]);
        at += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// A declared component as matching sees it.
#[derive(Clone, Copy, Debug)]
pub struct Declared<'a> {
    pub id: &'a str,
    pub title: Option<&'a str>,
    pub purl: Option<&'a str>,
    pub bom_ref: Option<&'a str>,
}

/// Which declared component an SBOM entry is: the one whose purl names the same package
/// (type, namespace and name; version, qualifiers and subpath aside), else the one with
/// its bom-ref, else the one whose ID or title is the entry's name. The first declared
/// component of each key is the one found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Matcher {
    by_package: rustc_hash::FxHashMap<String, usize>,
    by_ref: rustc_hash::FxHashMap<String, usize>,
    by_name: rustc_hash::FxHashMap<String, usize>,
}

impl Matcher {
    /// The declared components, indexed in the order given.
    pub fn new<'a>(declared: impl IntoIterator<Item = Declared<'a>>) -> Matcher {
        let mut matcher = Matcher::default();
        for (at, component) in declared.into_iter().enumerate() {
            matcher.add(at, component);
        }
        matcher
    }

    /// Adds a declared component as index `at`; an earlier one keeps its keys.
    pub fn add(&mut self, at: usize, component: Declared) {
        if let Some(package) = component.purl.and_then(crate::supply::purl_package) {
            self.by_package.entry(package).or_insert(at);
        }
        if let Some(bom_ref) = component.bom_ref {
            self.by_ref.entry(bom_ref.to_owned()).or_insert(at);
        }
        self.by_name.entry(component.id.to_owned()).or_insert(at);
        if let Some(title) = component.title {
            self.by_name.entry(title.to_owned()).or_insert(at);
        }
    }

    /// The index of the declared component `entry` is, if any.
    pub fn find(&self, entry: &Component) -> Option<usize> {
        entry
            .package
            .as_ref()
            .and_then(|package| self.by_package.get(package))
            .or_else(|| {
                entry
                    .bom_ref
                    .as_deref()
                    .and_then(|bom_ref| self.by_ref.get(bom_ref))
            })
            .or_else(|| self.by_name.get(&entry.name))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, purl: Option<&str>, bom_ref: Option<&str>) -> Component {
        Component {
            name: name.to_owned(),
            version: None,
            purl: purl.map(str::to_owned),
            package: purl.and_then(crate::supply::purl_package),
            bom_ref: bom_ref.map(str::to_owned),
            supplier: None,
            license: None,
            span: 0..0,
            name_span: 0..0,
        }
    }

    #[test]
    fn matching_by_purl_then_bom_ref_then_name() {
        let declared = [
            Declared {
                id: "openssl",
                title: Some("OpenSSL"),
                purl: Some("pkg:generic/openssl@3.0.13"),
                bom_ref: None,
            },
            Declared {
                id: "zlib",
                title: None,
                purl: None,
                bom_ref: Some("ref-zlib"),
            },
            Declared {
                id: "C-MBEDTLS",
                title: Some("mbedtls"),
                purl: None,
                bom_ref: None,
            },
        ];
        let matcher = Matcher::new(declared);
        // Another version, qualifiers and a subpath: still the package.
        let purl = Some("pkg:generic/openssl@3.6.0?arch=arm64#lib");
        assert_eq!(matcher.find(&entry("libssl", purl, None)), Some(0));
        assert_eq!(matcher.find(&entry("z", None, Some("ref-zlib"))), Some(1));
        assert_eq!(
            matcher.find(&entry("mbedtls", None, Some("other"))),
            Some(2)
        );
        assert_eq!(matcher.find(&entry("zlib", None, None)), Some(1));
        assert_eq!(matcher.find(&entry("OpenSSL", None, None)), Some(0));
        let other = Some("pkg:generic/libressl@3.0.13");
        assert_eq!(matcher.find(&entry("libressl", other, None)), None);
    }
}
