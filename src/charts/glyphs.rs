//! Text on a PNG, set glyph by glyph from the font's own metrics.
//!
//! plotters' `ab_glyph` text drops each glyph's left side bearing and rounds every glyph's
//! offsets on its own, so a PNG read "queue-con sumer" and put a decimal point a pixel above
//! the digits' baseline. [`Typeset`] wraps the bitmap backend and sets text itself: each glyph
//! is outlined at its place on the line (caret plus kerning, to the subpixel) on one shared
//! baseline, and rasterised there. Everything else is the bitmap backend's.
//!
//! The box a text is anchored by is plotters' own (its width from the advances and kerning, its
//! height `size / 1.24`, the baseline `size / 2` below its top, on a whole pixel), so every label sits where the
//! charts were laid out for; only the glyphs inside it move.

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use plotters::prelude::*;
use plotters_backend::{
    text_anchor::{HPos, VPos},
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

/// The bitmap backend, with text set by [`Typeset::draw_text`].
pub struct Typeset<'a> {
    inner: BitMapBackend<'a>,
    font: FontRef<'static>,
}

impl<'a> Typeset<'a> {
    /// `font` is the only face the charts draw with; every text style is set in it.
    pub fn new(inner: BitMapBackend<'a>, font: FontRef<'static>) -> Self {
        Typeset { inner, font }
    }
}

type Error = DrawingErrorKind<<BitMapBackend<'static> as DrawingBackend>::ErrorType>;

/// Where each glyph of `text` starts on the line, from the line's start: advances plus
/// kerning, unrounded.
fn carets<F: Font>(font: &impl ScaleFont<F>, text: &str) -> Vec<(ab_glyph::GlyphId, f32)> {
    let mut caret = 0f32;
    let mut previous = None;
    text.chars()
        .map(|c| {
            let id = font.glyph_id(c);
            if let Some(p) = previous {
                caret += font.kern(p, id);
            }
            let at = caret;
            caret += font.h_advance(id);
            previous = Some(id);
            (id, at)
        })
        .collect()
}

impl DrawingBackend for Typeset<'_> {
    type ErrorType = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), Error> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), Error> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), Error> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Result<(), Error> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Error> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Result<(), Error> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(&mut self, center: BackendCoord, radius: u32, style: &S, fill: bool) -> Result<(), Error> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, vert: I, style: &S) -> Result<(), Error> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Result<(), Error> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<S: BackendTextStyle>(&self, text: &str, style: &S) -> Result<(u32, u32), Error> {
        let (width, height) = self.text_box(text, style.size());
        Ok((width as u32, height as u32))
    }

    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, style: &S, pos: BackendCoord) -> Result<(), Error> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let size = style.size();
        let (width, height) = self.text_box(text, size);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let turn = style.transform();
        let (w, h) = self.get_size();
        let font = self.font.as_scaled(PxScale::from(size as f32));
        // On a whole pixel: flat feet (a point, an `l`) end crisply on one row.
        let baseline = (size / 2.0).round() as f32;
        for (id, at) in carets(&font, text) {
            let glyph = id.with_scale_and_position(font.scale(), point(at, baseline));
            let Some(outline) = self.font.outline_glyph(glyph) else {
                continue; // a space
            };
            let bounds = outline.px_bounds();
            let mut pixels = Vec::new();
            outline.draw(|x, y, coverage| pixels.push((x, y, coverage)));
            for (x, y, coverage) in pixels {
                let (x, y) = turn.transform(bounds.min.x as i32 + x as i32 + dx, bounds.min.y as i32 + y as i32 + dy);
                let (x, y) = (pos.0 + x, pos.1 + y);
                if x < 0 || y < 0 || x >= w as i32 || y >= h as i32 || coverage <= 0.0 {
                    continue;
                }
                let ink = BackendColor {
                    alpha: color.alpha * f64::from(coverage.min(1.0)),
                    rgb: color.rgb,
                };
                self.inner.draw_pixel((x, y), ink)?;
            }
        }
        Ok(())
    }
}

impl Typeset<'_> {
    /// The box a line of text is anchored by, in whole pixels: plotters' own, so labels keep
    /// the places the charts were laid out for.
    fn text_box(&self, text: &str, size: f64) -> (i32, i32) {
        let font = self.font.as_scaled(PxScale::from(size as f32));
        let width = carets(&font, text).last().map_or(0.0, |&(id, at)| at + font.h_advance(id));
        (width as i32, (size / 1.24) as i32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face() -> FontRef<'static> {
        FontRef::try_from_slice(super::super::FONT_BYTES).expect("the embedded font parses")
    }

    /// The columns and rows that hold ink in a white image with black text.
    fn inked(rgb: &[u8], width: usize) -> (Vec<usize>, Vec<usize>) {
        let mut columns = std::collections::BTreeSet::new();
        let mut rows = std::collections::BTreeSet::new();
        for (i, px) in rgb.chunks(3).enumerate() {
            if px[0] < 128 {
                columns.insert(i % width);
                rows.insert(i / width);
            }
        }
        (columns.into_iter().collect(), rows.into_iter().collect())
    }

    fn set(text: &str, size: f64) -> Vec<u8> {
        let (w, h) = (400u32, 60u32);
        let mut rgb = vec![255u8; (w * h * 3) as usize];
        {
            let backend = BitMapBackend::with_buffer(&mut rgb, (w, h));
            let mut typeset = Typeset::new(backend, face());
            let style = TextStyle::from((super::super::FONT, size).into_font()).color(&BLACK);
            typeset.draw_text(text, &style, (10, 10)).unwrap();
        }
        rgb
    }

    /// Where ink starts and stops along a line: the edges of each run of inked columns.
    fn edges(columns: &[usize]) -> Vec<usize> {
        let mut edges = Vec::new();
        for (i, &c) in columns.iter().enumerate() {
            if i == 0 || columns[i - 1] + 1 != c {
                edges.push(c);
            }
            if i + 1 == columns.len() || columns[i + 1] != c + 1 {
                edges.push(c);
            }
        }
        edges
    }

    #[test]
    fn each_letter_sits_where_the_font_puts_it() {
        // "queue-consumer" read "queue-con sumer": glyphs lost their side bearings, so the gaps
        // between letters followed the rounding, not the font. At 40 px a bearing is 3-4 px.
        let size = 40.0;
        let word = "consumer";
        let drawn = edges(&inked(&set(word, size), 400).0);
        let font = face();
        let scaled = font.as_scaled(PxScale::from(size as f32));
        let mut designed = std::collections::BTreeSet::new();
        for (id, at) in carets(&scaled, word) {
            let glyph = id.with_scale_and_position(scaled.scale(), point(10.0 + at, 0.0));
            let b = font.outline_glyph(glyph).expect("a letter has an outline").px_bounds();
            designed.extend(b.min.x as usize..b.max.x as usize);
        }
        let designed = edges(&designed.into_iter().collect::<Vec<_>>());
        assert_eq!(drawn.len(), designed.len(), "{drawn:?} against {designed:?}");
        for (d, f) in drawn.iter().zip(&designed) {
            assert!(d.abs_diff(*f) <= 1, "{drawn:?} against the font's {designed:?}");
        }
    }

    #[test]
    fn a_decimal_point_sits_on_the_digits_baseline() {
        // "-$300.52" drew its point a pixel above the digits' foot at some sizes: each glyph's
        // offset was rounded on its own. Every size the charts use, and the halves between.
        for tenths in (100..=240).step_by(5) {
            let size = f64::from(tenths) / 10.0;
            let digits = inked(&set("300", size), 400).1;
            let point = inked(&set(".", size), 400).1;
            assert_eq!(
                digits.last(),
                point.last(),
                "at {size} px the point's lowest row is not the digits' lowest row"
            );
        }
    }

    #[test]
    fn the_text_box_is_plotters_own_so_layouts_stay_put() {
        super::super::register_font();
        let backend_rgb = &mut [0u8; 3];
        let typeset = Typeset::new(BitMapBackend::with_buffer(backend_rgb, (1, 1)), face());
        assert_eq!(typeset.text_box("", 14.0), (0, 11));
        let style = TextStyle::from((super::super::FONT, 14.0).into_font());
        let theirs = style.font.box_size("queue-consumer").unwrap();
        let ours = typeset.text_box("queue-consumer", 14.0);
        assert_eq!((ours.0 as u32, ours.1 as u32), theirs);
    }
}
