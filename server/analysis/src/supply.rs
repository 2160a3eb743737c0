//! Supply-chain values: package URLs, SPDX license expressions and CVSS vectors, read with
//! the crates their communities maintain (`packageurl`, `spdx`, `cvss`).

use std::str::FromStr;

use packageurl::PackageUrl;

/// Why `text` is not a valid package URL, or `None` when it is.
pub fn purl_problem(text: &str) -> Option<String> {
    PackageUrl::from_str(text)
        .err()
        .map(|error| error.to_string())
}

/// What two package URLs of one package share: type, namespace and name, without version,
/// qualifiers and subpath (the key an SBOM entry is matched by). `None` when not a purl.
pub fn purl_package(text: &str) -> Option<String> {
    // Only type, namespace and name make the key: the subpath, qualifiers and version are
    // cut off before parsing (an SBOM has thousands of purls, most with qualifiers), as
    // the purl grammar separates them (`#`, then `?`, then the last `@` after the last `/`).
    let text = text.split_once('#').map_or(text, |(before, _)| before);
    let text = text.split_once('?').map_or(text, |(before, _)| before);
    let text = match (text.rfind('@'), text.rfind('/')) {
        (Some(at), Some(slash)) if at > slash => &text[..at],
        _ => text,
    };
    let purl = PackageUrl::from_str(text).ok()?;
    let mut key = format!("pkg:{}/", purl.ty());
    if let Some(namespace) = purl.namespace() {
        key.push_str(namespace);
        key.push('/');
    }
    key.push_str(purl.name());
    Some(key)
}

/// Why `text` is not a valid SPDX license expression, or `None` when it is.
pub fn license_problem(text: &str) -> Option<String> {
    spdx::Expression::parse(text)
        .err()
        .map(|error| error.reason.to_string())
}

/// A CVSS vector's version, base score and qualitative rating.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CvssScore {
    /// `3.0`, `3.1` or `4.0`.
    pub version: &'static str,
    pub score: f64,
    /// `none`, `low`, `medium`, `high` or `critical`.
    pub rating: &'static str,
}

impl std::fmt::Display for CvssScore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.1} ({})", self.score, self.rating)
    }
}

/// A CVSS 3.0, 3.1 or 4.0 vector's base score, or why it is not one.
pub fn cvss(text: &str) -> Result<CvssScore, String> {
    let vector = cvss::Cvss::from_str(text).map_err(|error| error.to_string())?;
    let version = match &vector {
        cvss::Cvss::CvssV30(v3) | cvss::Cvss::CvssV31(v3) => {
            // The crate reads a 3.x vector with base metrics missing (and scores them as
            // their lowest values); the specification makes every base metric mandatory.
            let missing: Vec<&str> = [
                (v3.av.is_none(), "AV"),
                (v3.ac.is_none(), "AC"),
                (v3.pr.is_none(), "PR"),
                (v3.ui.is_none(), "UI"),
                (v3.s.is_none(), "S"),
                (v3.c.is_none(), "C"),
                (v3.i.is_none(), "I"),
                (v3.a.is_none(), "A"),
            ]
            .into_iter()
            .filter_map(|(absent, metric)| absent.then_some(metric))
            .collect();
            if !missing.is_empty() {
                return Err(format!("missing base metrics {}", missing.join(", ")));
            }
            if v3.minor_version == 0 { "3.0" } else { "3.1" }
        }
        cvss::Cvss::CvssV40(_) => "4.0",
        // The crate is built without CVSS 2.0, and a later version is not parsed.
        _ => return Err("not a CVSS 3.0, 3.1 or 4.0 vector".to_owned()),
    };
    Ok(CvssScore {
        version,
        score: vector.score(),
        rating: vector.severity().as_str(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_urls() {
        assert_eq!(purl_problem("pkg:cargo/serde@1.0.228"), None);
        assert!(purl_problem("serde@1.0").is_some());
        assert!(purl_problem("pkg:/serde").is_some());
        assert_eq!(
            purl_package("pkg:maven/org.apache/commons-lang3@3.12?type=jar#sub").as_deref(),
            Some("pkg:maven/org.apache/commons-lang3")
        );
        assert_eq!(
            purl_package("pkg:generic/openssl@3.0.13").as_deref(),
            Some("pkg:generic/openssl")
        );
        // The type's own normalisation still applies (pypi names are case-insensitive).
        assert_eq!(
            purl_package("pkg:PyPI/Django@4.2?x=1").as_deref(),
            purl_package("pkg:pypi/django").as_deref()
        );
        assert_eq!(
            purl_package("pkg:npm/%40angular/core@17.0.0").as_deref(),
            Some("pkg:npm/@angular/core")
        );
        assert_eq!(
            purl_package("pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=arm64").as_deref(),
            Some("pkg:deb/debian/libssl3")
        );
        assert_eq!(purl_package("not a purl"), None);
    }

    #[test]
    fn licenses() {
        assert_eq!(license_problem("MIT OR Apache-2.0"), None);
        assert_eq!(license_problem("Apache-2.0 WITH LLVM-exception"), None);
        assert_eq!(license_problem("LicenseRef-Proprietary"), None);
        assert!(license_problem("MIT OR").is_some());
        assert!(license_problem("Not-A-License").is_some());
    }

    #[test]
    fn cvss_vectors_of_each_version() {
        let v31 = cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N").unwrap();
        assert_eq!((v31.version, v31.score, v31.rating), ("3.1", 7.5, "high"));
        let v30 = cvss("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap();
        assert_eq!(
            (v30.version, v30.score, v30.rating),
            ("3.0", 9.8, "critical")
        );
        // CVSS 4.0's reference calculator gives 9.3 for this vector.
        let v40 = cvss("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").unwrap();
        assert_eq!(
            (v40.version, v40.score, v40.rating),
            ("4.0", 9.3, "critical")
        );
        assert_eq!(v40.to_string(), "9.3 (critical)");
        assert!(
            cvss("AV:N/AC:L/Au:N/C:P/I:P/A:P").is_err(),
            "CVSS 2.0 is not accepted"
        );
        assert_eq!(
            cvss("CVSS:3.1/AV:N/AC:L").unwrap_err(),
            "missing base metrics PR, UI, S, C, I, A"
        );
        assert!(cvss("CVSS:5.0/AV:N").is_err());
    }
}
