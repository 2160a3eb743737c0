//! Hostile text in titles, descriptions, guidance and every other string must come out of
//! the HTML report as text: parsed back, the page has no script, no element and no
//! attribute that came from a `.ward` file. File names are text from the user too: the
//! Markdown report escapes them as it escapes titles.

use scraper::{Html, Selector};

use crate::{fixture, report};

/// The text the hostile fixture puts in the workspace, as it must show.
const HOSTILE_TEXTS: &[&str] = &[
    "<script>alert(1)</script> plan",
    "\"><img src=x onerror=alert(1)>",
    "<script>window.__pwned = true; alert('description')</script>",
    "<svg onload=alert(3)>",
    "<iframe src=\"javascript:alert(5)\"></iframe>",
    "</td></tr></table><script>alert(7)</script>",
    "<style>body{display:none}</style>",
    "<script>alert('guidance')</script>",
    "<math><mi xlink:href=\"javascript:alert(9)\">x</mi></math>",
    "<object data=\"javascript:alert(10)\">",
    "<b onmouseover=alert(6)>harm</b>",
    "<marquee>waiver</marquee>",
    "<script>alert('rationale')</script>",
    "@SUM(1+1)<img src=x onerror=alert(11)>",
    "<script>alert('by')</script>",
    "<a href=javascript:alert(12)>c</a>",
    "<script>alert('component')</script>",
    "javascript:alert(14)",
];

/// The elements the report's pictures are made of; anything else inside an `svg` came from
/// somewhere else.
const PICTURE_ELEMENTS: &[&str] = &[
    "title", "defs", "pattern", "g", "rect", "line", "path", "circle", "text", "a",
];

const CASE: scraper::CaseSensitivity = scraper::CaseSensitivity::CaseSensitive;

fn hostile_html() -> Html {
    let (text, _) = report(&fixture("hostile"), "html");
    Html::parse_document(&text)
}

#[test]
fn html_has_no_markup_from_the_workspace() {
    let page = hostile_html();
    let all = Selector::parse("*").unwrap();
    for element in page.select(&all) {
        let name = element.value().name();
        let in_picture = element.ancestors().any(|ancestor| {
            ancestor
                .value()
                .as_element()
                .is_some_and(|e| e.name() == "svg")
        });
        if name == "svg" {
            // The report's own pictures: an `svg.picture` whose parent is a `figure.picture`.
            let parent = element.parent().and_then(|p| p.value().as_element());
            assert!(
                element.value().has_class("picture", CASE)
                    && parent
                        .is_some_and(|p| { p.name() == "figure" && p.has_class("picture", CASE) }),
                "an element <svg> came from user text"
            );
            continue;
        }
        if in_picture {
            assert!(
                PICTURE_ELEMENTS.contains(&name),
                "an element <{name}> inside a picture"
            );
        }
        assert!(
            !matches!(
                name,
                "script" | "img" | "iframe" | "math" | "object" | "embed" | "b" | "mi"
            ),
            "an element <{name}> came from user text"
        );
        if name == "style" {
            let parent = element
                .parent()
                .and_then(|p| p.value().as_element().map(|e| e.name().to_owned()));
            assert_eq!(
                parent.as_deref(),
                Some("head"),
                "a <style> outside the head"
            );
        }
        for (attribute, value) in element.value().attrs() {
            assert!(
                !attribute.to_ascii_lowercase().starts_with("on"),
                "an event handler {attribute}={value:?} on <{name}>"
            );
            assert!(
                !value
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("javascript:"),
                "a javascript: URL in {attribute} on <{name}>"
            );
        }
    }
    let styles = page.select(&Selector::parse("style").unwrap()).count();
    assert_eq!(styles, 1, "exactly the report's own stylesheet");
}

#[test]
fn html_shows_the_hostile_text_as_text() {
    let page = hostile_html();
    let body = page
        .select(&Selector::parse("body").unwrap())
        .next()
        .expect("a body");
    let text: String = body.text().collect();
    for hostile in HOSTILE_TEXTS {
        assert!(
            text.contains(hostile),
            "the text {hostile:?} is not shown as text"
        );
    }
    let h1: String = page
        .select(&Selector::parse("h1").unwrap())
        .next()
        .expect("a title")
        .text()
        .collect();
    assert_eq!(h1, "<script>alert(1)</script> plan");
    let title: String = page
        .select(&Selector::parse("title").unwrap())
        .next()
        .expect("a <title>")
        .text()
        .collect();
    assert!(title.starts_with("<script>alert(1)</script> plan"));
}

#[test]
fn html_forbids_scripts_and_requests() {
    let page = hostile_html();
    let csp = page
        .select(&Selector::parse(r#"meta[http-equiv="Content-Security-Policy"]"#).unwrap())
        .next()
        .and_then(|meta| meta.value().attr("content"))
        .expect("a Content-Security-Policy");
    assert!(csp.contains("default-src 'none'"));
    assert!(csp.contains("script-src 'none'"));
    // No external resource of any kind.
    for selector in ["link", "script", "img", "iframe", "[src]"] {
        assert_eq!(
            page.select(&Selector::parse(selector).unwrap()).count(),
            0,
            "found {selector}"
        );
    }
    for link in page.select(&Selector::parse("a[href]").unwrap()) {
        let href = link.value().attr("href").unwrap();
        assert!(
            href.starts_with("#item-") || href.starts_with("#gate") || href.starts_with('#'),
            "{href}"
        );
    }
}

#[test]
fn pictures_show_the_hostile_text_as_text() {
    let page = hostile_html();
    let graphs: Vec<_> = page
        .select(&Selector::parse("svg.graph").unwrap())
        .collect();
    assert!(!graphs.is_empty(), "the hostile workspace has a graph");
    let text: String = graphs[0].text().collect();
    assert!(
        text.contains("\"><img src=x onerror=alert(1)>"),
        "the asset's title is a title of the picture, as text: {text}"
    );
    // The support timeline names the component by its title too.
    let support: String = page
        .select(&Selector::parse("svg.support").unwrap())
        .flat_map(|svg| svg.text())
        .collect();
    assert!(
        support.contains("<script>alert('component')</script>"),
        "the component's title is text in its picture: {support}"
    );
    for link in page.select(&Selector::parse("svg a").unwrap()) {
        let href = link.value().attr("href").unwrap_or_default();
        assert!(
            href.starts_with('#'),
            "a picture links outside the page: {href}"
        );
    }
}

#[test]
fn csv_defuses_formulas_in_every_table() {
    let (text, _) = report(&fixture("hostile"), "csv");
    for table in text.split("# table: ").skip(1) {
        let (name, body) = table.split_once('\n').unwrap();
        let mut reader = csv::ReaderBuilder::new().from_reader(body.as_bytes());
        for record in reader.records() {
            for cell in record.expect("valid CSV").iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@']),
                    "{name}: a cell starts a formula: {cell:?}"
                );
            }
        }
    }
}

#[test]
fn markdown_escapes_markup_and_table_breakers() {
    let (text, _) = report(&fixture("hostile"), "markdown");
    assert!(!text.contains("<script"), "raw <script in Markdown");
    assert!(!text.contains("<img"), "raw <img in Markdown");
    assert!(!text.contains("<svg"), "raw <svg in Markdown");
    assert!(text.contains("# &lt;script&gt;alert(1)&lt;/script&gt; plan\n"));
    // The description's `|` and line breaks do not break the table row.
    let row = text
        .lines()
        .find(|line| line.contains("item-A-1\"></a>"))
        .expect("the asset's row");
    assert!(row.contains(r"\| pipe \|"));
    assert!(row.contains("<br>"));
    let cells = row.split(" | ").count();
    assert_eq!(cells, 5, "the row keeps its five cells: {row}");
}

#[test]
fn csv_defuses_formulas() {
    let (text, _) = report(&fixture("hostile"), "csv");
    let guidance = text
        .split("# table: ")
        .find(|table| table.starts_with("deployer-guidance"))
        .expect("the guidance table");
    let mut reader =
        csv::ReaderBuilder::new().from_reader(guidance.split_once('\n').unwrap().1.as_bytes());
    let row = reader
        .records()
        .next()
        .expect("one row")
        .expect("valid CSV");
    assert_eq!(
        &row[4], "'=HYPERLINK(\"http://evil\")\n<script>alert('guidance')</script>",
        "a cell that starts with a formula sign gets a leading `'`"
    );
}

#[test]
fn markdown_escapes_file_names() {
    // A file name may hold line breaks and markup; in a code span a line break ended the
    // table row and the rest of the name was read as raw HTML.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let name = "x\n<img src=x onerror=alert(1)>\n`tick`.ward";
    std::fs::write(dir.path().join(name), "asset A-1 \"Pump\" { kind: data }\n")
        .expect("write the file");
    let (text, output) = report(dir.path(), "markdown");
    assert!(output.status.success(), "{output:?}");
    assert!(!text.contains("<img"), "raw <img in Markdown:\n{text}");
    let shown = "x<br>&lt;img src=x onerror=alert(1)&gt;<br>\\`tick\\`.ward:1:";
    // Where the item is listed and where its finding (`untargeted-asset`) is.
    for section in ["## Findings", "## Items"] {
        let rows = text.split(section).nth(1).expect("the section");
        let row = rows
            .lines()
            .find(|line| line.contains("A-1"))
            .unwrap_or_else(|| panic!("a row of A-1 in {section}:\n{text}"));
        assert!(row.contains(shown), "{section}: {row}");
        assert!(
            row.starts_with("| ") && row.ends_with(" |"),
            "{section}: {row}"
        );
    }
}
