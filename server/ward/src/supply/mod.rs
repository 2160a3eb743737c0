//! The supply-chain commands: `ward import sbom` (component items for an SBOM's
//! undeclared entries) and `ward export vex` (the vulnerability items as a CycloneDX or
//! OpenVEX document). Both read the workspace's components and vulnerabilities through the
//! typed model, gathered here once.

pub mod import;
pub mod vex;

use clap::{Args, Subcommand};
use ward_analysis::Analysis;
use ward_analysis::model::ItemModel;

use crate::workspace::LoadError;

#[derive(Args, Debug)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub what: Import,
}

#[derive(Subcommand, Debug)]
pub enum Import {
    /// Print `component` items for the components of an SBOM that the workspace does not declare.
    Sbom(import::SbomArgs),
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub what: Export,
}

#[derive(Subcommand, Debug)]
pub enum Export {
    /// Write the vulnerability items as a VEX document (CycloneDX 1.6 or OpenVEX 0.2.0).
    Vex(vex::VexArgs),
}

pub fn import(args: &ImportArgs) -> i32 {
    match &args.what {
        Import::Sbom(args) => import::run(args),
    }
}

pub fn export(args: &ExportArgs) -> i32 {
    match &args.what {
        Export::Vex(args) => vex::run(args),
    }
}

/// A declared component, its values as written (valid ones only).
#[derive(Clone, Debug)]
pub struct DeclaredComponent {
    pub id: String,
    pub title: Option<String>,
    pub version: Option<String>,
    pub purl: Option<String>,
    pub bom_ref: Option<String>,
}

impl DeclaredComponent {
    pub fn as_declared(&self) -> ward_analysis::sbom::Declared<'_> {
        ward_analysis::sbom::Declared {
            id: &self.id,
            title: self.title.as_deref(),
            purl: self.purl.as_deref(),
            bom_ref: self.bom_ref.as_deref(),
        }
    }
}

/// Every component item of the workspace with an ID, in workspace order.
pub fn components(analysis: &Analysis) -> Result<Vec<DeclaredComponent>, LoadError> {
    let mut found = Vec::new();
    for file in analysis.files() {
        let ast = analysis.file_ast(file).map_err(cancelled)?;
        for item in &ast.items {
            let (Some(component), Some(id)) = (ItemModel::of(item).component(), &item.id) else {
                continue;
            };
            found.push(DeclaredComponent {
                id: id.clone(),
                title: item.title.clone(),
                version: component.version().valid().map(str::to_owned),
                purl: component
                    .purl()
                    .valid()
                    .filter(|purl| ward_analysis::supply::purl_problem(purl).is_none())
                    .map(str::to_owned),
                bom_ref: component.bom_ref().valid().map(str::to_owned),
            });
        }
    }
    Ok(found)
}

/// Every ID of the workspace, whatever its kind.
pub fn ids(analysis: &Analysis) -> Result<std::collections::HashSet<String>, LoadError> {
    Ok(analysis
        .all_names()
        .map_err(cancelled)?
        .into_iter()
        .map(|(name, _)| name)
        .collect())
}

pub fn cancelled(_: ward_analysis::Cancelled) -> LoadError {
    LoadError("the analysis was cancelled".to_owned())
}
