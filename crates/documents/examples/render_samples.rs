//! Writes every sample form as `formNN.pdf` (A4) and `formNN-a5.pdf` (the fee receipt as
//! `formBL.pdf`) into the directory given as first argument (default: the current directory),
//! to look at them.

use documents::{PaperSize, RenderOptions, render_with, samples};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".to_owned());
    for doc in samples::all() {
        for (paper, suffix) in [(PaperSize::A4, ""), (PaperSize::A5, "-a5")] {
            let started = std::time::Instant::now();
            let pdf = render_with(&doc, &RenderOptions { paper })?;
            let path = format!("{dir}/form{}{suffix}.pdf", doc.form_number());
            std::fs::write(&path, &pdf)?;
            println!("{path}: {} bytes in {:?}", pdf.len(), started.elapsed());
        }
    }
    Ok(())
}
