//! Charts of a saved report, as SVG and PNG. They read the report only (its figures and
//! series), never the snapshot, so a report renders the same charts on any machine, later.
//!
//! Text is drawn with DejaVu Sans, embedded in the binary: registered with plotters (which
//! measures labels with it) before anything is drawn, and set on a PNG glyph by glyph by
//! [`glyphs::Typeset`]. A PNG renders the same on a headless machine with no fonts and no
//! fontconfig. An SVG names the family and falls back to the viewer's sans-serif.

pub mod data;
mod draw;
mod glyphs;

use std::sync::Once;

use plotters::prelude::*;
use thiserror::Error;

pub use data::ChartData;
pub use draw::{cents, dollars};

use crate::report::Report;

/// The family the charts draw with; the embedded font is registered under it.
pub const FONT: &str = "DejaVu Sans";
const FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 700;

#[derive(Debug, Error)]
pub enum ChartError {
    #[error("cannot draw the chart `{name}`: {message}")]
    Draw { name: &'static str, message: String },
}

/// One chart, drawn.
pub struct Rendered {
    pub data: ChartData,
    pub svg: String,
    pub png: Vec<u8>,
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are ours and checked by a test; a failure here would draw no text at all.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES);
    });
}

/// The embedded font, for the PNG's own text setting.
fn face() -> ab_glyph::FontRef<'static> {
    // The bytes are ours and parse (the test below): this cannot fail at run time.
    ab_glyph::FontRef::try_from_slice(FONT_BYTES).expect("the embedded font parses")
}

/// Every chart of a report, as SVG text and PNG bytes.
pub fn render(r: &Report) -> Result<Vec<Rendered>, ChartError> {
    data::charts(r).into_iter().map(render_one).collect()
}

pub fn render_one(data: ChartData) -> Result<Rendered, ChartError> {
    let svg = svg_of(&data)?;
    let err = |e: Box<dyn std::error::Error>| ChartError::Draw {
        name: data.name,
        message: e.to_string(),
    };
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let bitmap = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT));
        let root = glyphs::Typeset::new(bitmap, face()).into_drawing_area();
        draw::draw(&root, &data).map_err(err)?;
        root.present().map_err(|e| err(e.into()))?;
    }
    let png = encode_png(&rgb, WIDTH, HEIGHT).map_err(|e| err(e.into()))?;
    Ok(Rendered { data, svg, png })
}

/// A chart as SVG text only (the index's charts, which have no PNG).
pub fn svg_of(data: &ChartData) -> Result<String, ChartError> {
    register_font();
    let err = |e: Box<dyn std::error::Error>| ChartError::Draw {
        name: data.name,
        message: e.to_string(),
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw::draw(&root, data).map_err(err)?;
        root.present().map_err(|e| err(e.into()))?;
    }
    Ok(svg)
}

fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_font_parses() {
        assert!(plotters::style::register_font("check", FontStyle::Normal, FONT_BYTES).is_ok());
        assert!(ab_glyph::FontRef::try_from_slice(FONT_BYTES).is_ok());
    }
}
