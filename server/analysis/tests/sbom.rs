//! The SBOM reader on SBOMs in the shapes real tools write (cargo-cyclonedx, syft in both
//! formats, trivy, grype, osv-scanner), nested components and BOM-Links, and broken ones:
//! what each reads as, every entry and problem with its line and column.

use std::fmt::Write as _;
use std::path::Path;

use expect_test::{Expect, expect};
use ward_analysis::sbom::{self, Sbom};

fn text(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/sbom")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// 1-based line and column (in characters) of a byte offset.
fn place(text: &str, offset: usize) -> String {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("{line}:{column}")
}

fn render(text: &str, sbom: &Sbom) -> String {
    let mut out = String::new();
    let format = sbom.format.as_ref().map(ToString::to_string);
    let _ = writeln!(out, "format: {}", format.as_deref().unwrap_or("none"));
    for component in &sbom.components {
        let _ = writeln!(
            out,
            "component {} at {}: version {:?}, purl {:?}, bom-ref {:?}, supplier {:?}, license {:?}",
            component.name,
            place(text, component.span.start),
            component.version,
            component.purl,
            component.bom_ref,
            component.supplier,
            component.license,
        );
    }
    for vulnerability in &sbom.vulnerabilities {
        let affects: Vec<String> = vulnerability
            .affects
            .iter()
            .map(|affected| match affected.component {
                Some(at) => format!("{} ({})", affected.bom_ref, sbom.components[at].name),
                None => format!("{} (not in this SBOM)", affected.bom_ref),
            })
            .collect();
        let _ = writeln!(
            out,
            "vulnerability {} at {}: aliases {:?}, affects {}",
            vulnerability.id,
            place(text, vulnerability.span.start),
            vulnerability.aliases,
            affects.join(", ")
        );
    }
    for problem in &sbom.problems {
        let _ = writeln!(
            out,
            "problem at {}: {}",
            place(text, problem.span.start),
            problem.message
        );
    }
    out
}

fn check(name: &str, expect: Expect) {
    let text = text(name);
    expect.assert_eq(&render(&text, &sbom::read(&text)));
}

fn check_text(text: &str, expect: Expect) {
    expect.assert_eq(&render(text, &sbom::read(text)));
}

#[test]
fn cargo_cyclonedx() {
    check(
        "cargo-cyclonedx.cdx.json",
        expect![[r#"
        format: CycloneDX 1.5
        component serde at 34:5: version Some("1.0.228"), purl Some("pkg:cargo/serde@1.0.228"), bom-ref Some("registry+https://github.com/rust-lang/crates.io-index#serde@1.0.228"), supplier None, license Some("MIT OR Apache-2.0")
        component ring at 61:5: version Some("0.17.14"), purl Some("pkg:cargo/ring@0.17.14"), bom-ref Some("registry+https://github.com/rust-lang/crates.io-index#ring@0.17.14"), supplier None, license Some("Apache-2.0 AND ISC")
        component tokio at 74:5: version Some("1.48.0"), purl Some("pkg:cargo/tokio@1.48.0"), bom-ref Some("registry+https://github.com/rust-lang/crates.io-index#tokio@1.48.0"), supplier None, license Some("MIT")
    "#]],
    );
}

#[test]
fn syft_cyclonedx() {
    check(
        "syft.cdx.json",
        expect![[r#"
        format: CycloneDX 1.6
        component libssl3 at 26:5: version Some("3.0.13-1~deb12u1"), purl Some("pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=arm64&distro=debian-12"), bom-ref Some("pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=arm64&distro=debian-12&package-id=2f5ee9d3f5a5b6f0"), supplier Some("Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>"), license None
        component zlib1g at 52:5: version Some("1:1.2.13.dfsg-1"), purl Some("pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=arm64&distro=debian-12"), bom-ref Some("pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=arm64&distro=debian-12&package-id=9b1c0e6f2a7d4e11"), supplier Some("Mark Brown <broonie@debian.org>"), license Some("Zlib")
    "#]],
    );
}

#[test]
fn syft_spdx() {
    check(
        "syft.spdx.json",
        expect![[r#"
        format: SPDX-2.3
        component libssl3 at 16:5: version Some("3.0.13-1~deb12u1"), purl Some("pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=arm64&distro=debian-12"), bom-ref Some("SPDXRef-Package-deb-libssl3-2f5ee9d3f5a5b6f0"), supplier Some("Debian OpenSSL Team (pkg-openssl-devel@alioth-lists.debian.net)"), license Some("Apache-2.0")
        component busybox at 41:5: version Some("1.36.1"), purl Some("pkg:generic/busybox@1.36.1"), bom-ref Some("SPDXRef-Package-binary-busybox-4d2e1f0a9b8c7d6e"), supplier None, license Some("GPL-2.0-only")
    "#]],
    );
}

#[test]
fn trivy_with_vulnerabilities() {
    check(
        "trivy.cdx.json",
        expect![[r#"
        format: CycloneDX 1.6
        component libssl3 at 27:5: version Some("3.0.13-1~deb12u1"), purl Some("pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=arm64&distro=debian-12.5"), bom-ref Some("pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=arm64&distro=debian-12.5"), supplier Some("Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>"), license None
        component debian at 50:5: version Some("12.5"), purl None, bom-ref Some("3ff14136-e09f-4df9-80ea-000000000002"), supplier None, license None
        vulnerability CVE-2024-5535 at 72:5: aliases [], affects pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=arm64&distro=debian-12.5 (libssl3)
    "#]],
    );
}

#[test]
fn grype_with_a_bom_link() {
    check(
        "grype.cdx.json",
        expect![[r#"
        format: CycloneDX 1.6
        component libssl3 at 26:5: version Some("3.0.13-1~deb12u1"), purl Some("pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=arm64&distro=debian-12"), bom-ref Some("pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=arm64&distro=debian-12&package-id=2f5ee9d3f5a5b6f0"), supplier Some("Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>"), license None
        vulnerability CVE-2024-5535 at 36:5: aliases [], affects pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=arm64&distro=debian-12&package-id=2f5ee9d3f5a5b6f0 (libssl3)
    "#]],
    );
}

#[test]
fn osv_scanner_with_aliases() {
    check(
        "osv-scanner.cdx.json",
        expect![[r#"
        format: CycloneDX 1.5
        component ring at 7:5: version Some("0.17.5"), purl Some("pkg:cargo/ring@0.17.5"), bom-ref Some("pkg:cargo/ring@0.17.5"), supplier None, license None
        vulnerability GHSA-4p46-pwfr-66x6 at 23:5: aliases ["CVE-2025-4432", "RUSTSEC-2025-0009"], affects pkg:cargo/ring@0.17.5 (ring)
    "#]],
    );
}

#[test]
fn nested_components_and_an_encoded_bom_link() {
    check(
        "nested.cdx.json",
        expect![[r#"
        format: CycloneDX 1.4
        component zephyr at 15:5: version Some("3.7.0"), purl None, bom-ref Some("zephyr"), supplier Some("Zephyr Project"), license Some("Apache-2.0")
        component mbedtls at 31:9: version Some("3.6.2"), purl Some("pkg:github/Mbed-TLS/mbedtls@3.6.2"), bom-ref Some("zephyr/mbedtls"), supplier None, license None
        vulnerability CVE-2024-49195 at 42:5: aliases [], affects zephyr/mbedtls (mbedtls)
    "#]],
    );
}

#[test]
fn malformed_json_is_located() {
    check(
        "malformed.cdx.json",
        expect![[r#"
        format: none
        problem at 5:59: not well-formed JSON: Trailing commas are not allowed
    "#]],
    );
}

#[test]
fn an_unsupported_version_is_located() {
    check(
        "old-version.cdx.json",
        expect![[r#"
        format: none
        problem at 3:18: Ward reads CycloneDX 1.4, 1.5, 1.6; this `specVersion` is not one of them
    "#]],
    );
}

#[test]
fn broken_documents() {
    check_text(
        "",
        expect![[r#"
        format: none
        problem at 1:1: not an SBOM: the document is not a JSON object
    "#]],
    );
    check_text(
        "[1, 2]",
        expect![[r#"
        format: none
        problem at 1:1: not an SBOM: the document is not a JSON object
    "#]],
    );
    check_text(
        r#"{"name": "not an SBOM"}"#,
        expect![[r#"
        format: none
        problem at 1:1: not an SBOM Ward reads: neither `bomFormat` (CycloneDX) nor `spdxVersion` (SPDX)
    "#]],
    );
    check_text(
        r#"{"spdxVersion": "SPDX-2.2", "packages": []}"#,
        expect![[r#"
        format: none
        problem at 1:17: Ward reads SPDX JSON of `spdxVersion` "SPDX-2.3"
    "#]],
    );
    check_text(
        r#"{"bomFormat": "SPDX", "specVersion": "1.6"}"#,
        expect![[r#"
        format: none
        problem at 1:15: `bomFormat` must be "CycloneDX"
    "#]],
    );
    check_text(
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
  {"type": "library", "version": "1"},
  {"type": "library", "name": ""},
  7,
  {"type": "library", "name": "kept", "components": {"not": "an array"}}
], "vulnerabilities": [{"affects": []}, {"id": "CVE-1", "affects": [{"no": "ref"}]}]}"#,
        expect![[r#"
            format: CycloneDX 1.6
            component kept at 5:3: version None, purl None, bom-ref None, supplier None, license None
            vulnerability CVE-1 at 6:41: aliases [], affects 
            problem at 2:3: a component has no `name`
            problem at 3:31: a component's `name` must be a non-empty string
            problem at 4:3: a component must be an object
            problem at 5:53: `components` must be an array
            problem at 6:24: a vulnerability has no `id`
            problem at 6:69: an `affects` entry must be an object with a `ref`
        "#]],
    );
    check_text(
        "{\"spdxVersion\": \"SPDX-2.3\", \"packages\": [{\"name\": \"no id\"}, {\"SPDXID\": \"SPDXRef-x\"}]}",
        expect![[r#"
            format: SPDX-2.3
            component no id at 1:42: version None, purl None, bom-ref None, supplier None, license None
            problem at 1:42: a package has no `SPDXID`
            problem at 1:61: a package has no `name`
        "#]],
    );
}
