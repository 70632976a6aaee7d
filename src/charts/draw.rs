//! Drawing the charts with plotters, on any backend (SVG text or an RGB buffer for PNG). Every
//! figure comes from [`super::data`]; this file decides only where and in what colour.

use std::error::Error as StdError;

use chrono::{DateTime, Duration, Utc};
use plotters::chart::MeshStyle;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{Body, ChartData, Line, Tone, UsageRow};
use super::FONT;
use crate::money::Usd;

type Drawn = Result<(), Box<dyn StdError>>;

/// Okabe and Ito's palette, which stays distinguishable with every common colour-vision
/// deficiency, and prints legibly in grey.
pub fn colour(t: Tone) -> RGBColor {
    match t {
        Tone::Current => RGBColor(0x55, 0x55, 0x55),
        Tone::Fargate | Tone::Used => RGBColor(0x00, 0x72, 0xB2),
        Tone::FargateArm => RGBColor(0x56, 0xB4, 0xE9),
        Tone::FargateSpot | Tone::Saving => RGBColor(0x00, 0x9E, 0x73),
        Tone::Ec2 | Tone::Increase => RGBColor(0xD5, 0x5E, 0x00),
        Tone::Ec2Ideal | Tone::UsedPeak => RGBColor(0xE6, 0x9F, 0x00),
        Tone::Ec2EniTrunking => RGBColor(0xCC, 0x79, 0xA7),
        Tone::ManagedInstances => RGBColor(0xF0, 0xE4, 0x42),
        Tone::Recommended => RGBColor(0x00, 0x00, 0x00),
    }
}

const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);

fn font(size: f64) -> TextStyle<'static> {
    (FONT, size).into_font().color(&INK)
}

/// Dollars for an axis: `$4,940`, `$0`, or `$12.34` when the tick has cents.
pub fn dollars(v: f64) -> String {
    let shown = cents(v);
    if v.abs() < 100.0 && v.fract().abs() > 1e-9 {
        shown
    } else {
        cents(v.round()).trim_end_matches(".00").to_string()
    }
}

/// Dollars to the cent, as figures on bars: `$4,940.18`.
pub fn cents(v: f64) -> String {
    Usd::from_f64(v).to_string()
}

/// Draws one chart on a drawing area (the whole image).
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, chart: &ChartData) -> Drawn
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (w, _) = root.dim_in_pixel();
    root.draw(&Text::new(chart.title.clone(), (24, 16), font(28.0)))?;
    root.draw(&Text::new(
        chart.subtitle.clone(),
        (24, 52),
        font(16.0).color(&RGBColor(0x44, 0x44, 0x44)),
    ))?;
    let body = root.margin(84, 16, 16, 24);
    let _ = w;
    match &chart.body {
        Body::Bars { bars } => draw_bars(&body, bars),
        Body::Hourly { start, lines } => draw_hourly(&body, *start, lines),
        Body::Usage { rows } => draw_usage(&body, rows),
        Body::Fleet {
            start,
            cpu_allocated,
            cpu_available,
            memory_allocated,
            memory_available,
        } => {
            let (top, bottom) = body.split_vertically(body.dim_in_pixel().1 / 2);
            draw_fleet_panel(&top, *start, "vCPU", cpu_allocated, cpu_available, false)?;
            draw_fleet_panel(&bottom, *start, "Memory, GiB", memory_allocated, memory_available, true)
        }
        Body::Waterfall { start_usd, steps, end_usd } => draw_waterfall(&body, *start_usd, steps, *end_usd),
        Body::Groups { groups } => draw_groups(&body, groups),
        Body::Trend { months, lines } => draw_trend(&body, months, lines),
        Body::BreakEven {
            fargate_usd,
            fixed_usd,
            ec2_usd,
            utilisation,
            break_even,
        } => draw_break_even(&body, *fargate_usd, *fixed_usd, *ec2_usd, *utilisation, *break_even),
    }
}

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The axes every chart shares: tick labels at `text` points, axis titles two larger, a light
/// grid.
fn mesh<'a, 'b, DB: DrawingBackend>(chart: &'b mut Chart<'a, DB>, text: f64) -> MeshStyle<'a, 'b, RangedCoordf64, RangedCoordf64, DB> {
    let mut m = chart.configure_mesh();
    m.axis_desc_style(font(text + 2.0))
        .label_style(font(text))
        .light_line_style(WHITE)
        .bold_line_style(GRID);
    m
}

/// The legend every chart draws: boxed, on white, at `at`.
fn legend<'a, DB: DrawingBackend + 'a>(chart: &mut Chart<'a, DB>, at: SeriesLabelPosition, text: f64) -> Drawn
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .position(at)
        .background_style(WHITE.mix(0.9))
        .border_style(INK)
        .label_font(font(text))
        .draw()?;
    Ok(())
}

fn max_of(values: impl Iterator<Item = f64>) -> f64 {
    values.filter(|v| v.is_finite()).fold(0.0, f64::max)
}

fn draw_bars<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, bars: &[super::data::Bar]) -> Drawn
where
    DB::ErrorType: 'static,
{
    let top = max_of(bars.iter().map(|b| b.usd)).max(1.0) * 1.15;
    let mut chart = bar_frame(area, bars.len(), top)?;
    let (ax, ay) = area.get_base_pixel();
    for (i, b) in bars.iter().enumerate() {
        let x = i as f64;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x - 0.36, 0.0), (x + 0.36, b.usd)],
            colour(b.tone).filled(),
        )))?;
        let (px, py) = chart.backend_coord(&(x, b.usd));
        area.draw(&Text::new(
            cents(b.usd),
            (px - ax, py - ay - 6),
            font(15.0).pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))?;
        label_under(area, &chart, x, &b.label, usize::MAX)?;
    }
    Ok(())
}

/// A bar chart's frame: `slots` places across, dollars a month up to `top`.
fn bar_frame<'a, DB: DrawingBackend>(area: &'a DrawingArea<DB, Shift>, slots: usize, top: f64) -> Result<Chart<'a, DB>, Box<dyn StdError>>
where
    DB::ErrorType: 'static,
{
    let n = slots.max(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .margin_right(16)
        .x_label_area_size(70)
        .y_label_area_size(100)
        .build_cartesian_2d(-0.5..n - 0.5, 0.0..top)?;
    mesh(&mut chart, 14.0)
        .disable_x_mesh()
        .x_labels(0)
        .y_desc("USD a month")
        .y_label_formatter(&|v| dollars(*v))
        .draw()?;
    Ok(chart)
}

/// A slot's label under the axis, wrapped at about 16 characters, at most `lines` lines.
fn label_under<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, chart: &Chart<'_, DB>, x: f64, label: &str, lines: usize) -> Drawn
where
    DB::ErrorType: 'static,
{
    let (ax, ay) = area.get_base_pixel();
    let (lx, ly) = chart.backend_coord(&(x, 0.0));
    let (lx, ly) = (lx - ax, ly - ay);
    for (k, part) in wrap(label, 16).iter().take(lines).enumerate() {
        area.draw(&Text::new(
            part.clone(),
            (lx, ly + 8 + 17 * k as i32),
            font(14.0).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    Ok(())
}

/// Today against after the plan, side by side for each group.
fn draw_groups<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, groups: &[super::data::GroupBars]) -> Drawn
where
    DB::ErrorType: 'static,
{
    let top = max_of(groups.iter().flat_map(|g| [g.today_usd, g.after_usd])).max(1.0) * 1.15;
    let mut chart = bar_frame(area, groups.len(), top)?;
    let (ax, ay) = area.get_base_pixel();
    // Figures above the bars only while they fit side by side.
    let label_figures = groups.len() <= 8;
    for (tone, label) in [(Tone::Current, "today"), (Tone::Recommended, "after the plan")] {
        chart
            .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())?
            .label(label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], colour(tone).filled()));
    }
    for (i, g) in groups.iter().enumerate() {
        let x = i as f64;
        for (offset, usd, tone) in [(-0.19, g.today_usd, Tone::Current), (0.19, g.after_usd, Tone::Recommended)] {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x + offset - 0.17, 0.0), (x + offset + 0.17, usd)],
                colour(tone).filled(),
            )))?;
            if label_figures {
                let (px, py) = chart.backend_coord(&(x + offset, usd));
                area.draw(&Text::new(
                    dollars(usd),
                    (px - ax, py - ay - 6),
                    font(13.0).pos(Pos::new(HPos::Center, VPos::Bottom)),
                ))?;
            }
        }
        label_under(area, &chart, x, &g.label, 3)?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight, 14.0)
}

/// Splits a label into lines of about `width` characters at spaces.
fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in s.split(' ') {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= width => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

fn date_at(start: DateTime<Utc>, hours: f64) -> String {
    (start + Duration::minutes((hours * 60.0) as i64)).format("%b %d").to_string()
}

fn legend_line(c: RGBColor) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(3))
}

fn draw_hourly<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, start: DateTime<Utc>, lines: &[Line]) -> Drawn
where
    DB::ErrorType: 'static,
{
    let n = lines.iter().map(|l| l.points.len()).max().unwrap_or(0).max(2) as f64;
    let top = max_of(lines.iter().flat_map(|l| l.points.iter().copied())).max(0.01) * 1.25;
    let mut chart = ChartBuilder::on(area)
        .margin_right(24)
        .x_label_area_size(50)
        .y_label_area_size(100)
        .build_cartesian_2d(0.0..n, 0.0..top)?;
    mesh(&mut chart, 14.0)
        .x_labels(10)
        .x_label_formatter(&|h| date_at(start, *h))
        .x_desc("Date (UTC)")
        .y_desc("USD an hour")
        .y_label_formatter(&|v| dollars(*v))
        .draw()?;
    for l in lines {
        let c = colour(l.tone);
        chart
            .draw_series(LineSeries::new(
                l.points.iter().enumerate().map(|(i, v)| (i as f64 + 0.5, *v)),
                c.stroke_width(2),
            ))?
            .label(l.label.clone())
            .legend(legend_line(c));
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight, 15.0)?;
    Ok(())
}

/// Lines over the months, a marked point per month with a figure; a month without one breaks
/// its line.
fn draw_trend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, months: &[String], lines: &[super::data::TrendLine]) -> Drawn
where
    DB::ErrorType: 'static,
{
    let n = months.len().max(1) as f64;
    let values = lines.iter().flat_map(|l| l.points.iter().flatten().copied());
    let top = max_of(values.clone()).max(1.0) * 1.2;
    let bottom = values.fold(0.0f64, f64::min).min(0.0) * 1.2;
    let mut chart = ChartBuilder::on(area)
        .margin_right(24)
        .x_label_area_size(50)
        .y_label_area_size(100)
        .build_cartesian_2d(-0.5..n - 0.5, bottom..top)?;
    let label = |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 {
            months.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    mesh(&mut chart, 14.0)
        .disable_x_mesh()
        .x_labels(months.len().max(2) * 2 + 1)
        .x_label_formatter(&label)
        .x_desc("Month")
        .y_desc("USD a month")
        .y_label_formatter(&|v| dollars(*v))
        .draw()?;
    for l in lines {
        let c = colour(l.tone);
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (i, p) in l.points.iter().enumerate() {
            match p {
                Some(v) => runs.last_mut().expect("a run").push((i as f64, *v)),
                None if !runs.last().expect("a run").is_empty() => runs.push(Vec::new()),
                None => {}
            }
        }
        let mut first = true;
        for run in runs.into_iter().filter(|r| !r.is_empty()) {
            let drawn = chart.draw_series(LineSeries::new(run.clone(), c.stroke_width(3)))?;
            if first {
                drawn.label(l.label.clone()).legend(legend_line(c));
                first = false;
            }
            chart.draw_series(run.into_iter().map(|p| Circle::new(p, 5, c.filled())))?;
        }
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft, 15.0)?;
    Ok(())
}

fn draw_usage<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, rows: &[UsageRow]) -> Drawn
where
    DB::ErrorType: 'static,
{
    let names = area.margin(0, 0, 0, 0);
    let (label_col, panels) = names.split_horizontally(190);
    let (left, right) = panels.split_horizontally(panels.dim_in_pixel().0 / 2);
    let cpu: Vec<_> = rows.iter().map(|r| (r.cpu_p50_pct, r.cpu_p99_pct, r.cpu_new_pct)).collect();
    let memory: Vec<_> = rows
        .iter()
        .map(|r| (r.memory_p50_pct, r.memory_p99_pct, r.memory_new_pct))
        .collect();
    let centres = draw_usage_panel(&left, "CPU, % of today's reservation", &cpu, true)?;
    draw_usage_panel(&right, "Memory, % of today's reservation", &memory, false)?;
    let (ox, oy) = label_col.get_base_pixel();
    for (r, y) in rows.iter().zip(centres) {
        let name: String = r.service.chars().take(24).collect();
        label_col.draw(&Text::new(name, (180, y - oy), font(13.0).pos(Pos::new(HPos::Right, VPos::Center))))?;
    }
    let _ = ox;
    Ok(())
}

type UsageTriple = (Option<f64>, Option<f64>, Option<f64>);

/// One panel of the usage chart; returns each row's centre in absolute pixels.
fn draw_usage_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    rows: &[UsageTriple],
    with_legend: bool,
) -> Result<Vec<i32>, Box<dyn StdError>>
where
    DB::ErrorType: 'static,
{
    let n = rows.len().max(1) as f64;
    let right = max_of(
        rows.iter()
            .flat_map(|(a, b, c)| [a.unwrap_or(0.0), b.unwrap_or(0.0), c.unwrap_or(0.0)]),
    )
    .max(100.0)
        * 1.1;
    let mut chart = ChartBuilder::on(area)
        .margin_right(20)
        .margin_left(8)
        .x_label_area_size(50)
        .y_label_area_size(4)
        .build_cartesian_2d(0.0..right, -0.5..n - 0.5)?;
    mesh(&mut chart, 13.0)
        .disable_y_mesh()
        .y_labels(0)
        .x_desc(title)
        .x_label_formatter(&|v| format!("{v:.0}%"))
        .draw()?;
    let y_of = |i: usize| n - 1.0 - i as f64;
    let p99 = colour(Tone::UsedPeak);
    let p50 = colour(Tone::Used);
    chart
        .draw_series(
            rows.iter()
                .enumerate()
                .filter_map(|(i, (_, b, _))| b.map(|b| Rectangle::new([(0.0, y_of(i) - 0.34), (b, y_of(i) + 0.34)], p99.filled()))),
        )?
        .label("p99 of use")
        .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 20, y + 6)], p99.filled()));
    chart
        .draw_series(
            rows.iter()
                .enumerate()
                .filter_map(|(i, (a, _, _))| a.map(|a| Rectangle::new([(0.0, y_of(i) - 0.16), (a, y_of(i) + 0.16)], p50.filled()))),
        )?
        .label("p50 of use")
        .legend(move |(x, y)| Rectangle::new([(x, y - 3), (x + 20, y + 3)], p50.filled()));
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(100.0, -0.5), (100.0, n - 0.5)],
            INK.stroke_width(2),
        )))?
        .label("today's reservation (100%)")
        .legend(|(x, y)| PathElement::new(vec![(x + 10, y - 8), (x + 10, y + 8)], INK.stroke_width(2)));
    chart
        .draw_series(rows.iter().enumerate().filter_map(|(i, (_, _, c))| {
            c.map(|c| PathElement::new(vec![(c, y_of(i) - 0.45), (c, y_of(i) + 0.45)], colour(Tone::Ec2).stroke_width(4)))
        }))?
        .label("recommended size")
        .legend(|(x, y)| PathElement::new(vec![(x + 10, y - 8), (x + 10, y + 8)], colour(Tone::Ec2).stroke_width(4)));
    if with_legend {
        legend(&mut chart, SeriesLabelPosition::LowerRight, 13.0)?;
    }
    let base = area.get_base_pixel().1;
    let _ = base;
    Ok((0..rows.len()).map(|i| chart.backend_coord(&(0.0, y_of(i))).1).collect())
}

fn draw_fleet_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    start: DateTime<Utc>,
    unit: &str,
    allocated: &[f64],
    available: &[f64],
    dates: bool,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let scale = 1.0 / 1024.0;
    let n = available.len().max(2) as f64;
    let top = max_of(available.iter().chain(allocated).map(|v| v * scale)).max(1.0) * 1.15;
    let mut chart = ChartBuilder::on(area)
        .margin_right(24)
        .margin_bottom(8)
        .x_label_area_size(if dates { 44 } else { 20 })
        .y_label_area_size(100)
        .build_cartesian_2d(0.0..n, 0.0..top)?;
    mesh(&mut chart, 13.0)
        .x_labels(if dates { 10 } else { 0 })
        .x_label_formatter(&|h| date_at(start, *h))
        .y_desc(unit)
        .y_label_formatter(&|v| format!("{v:.0}"))
        .draw()?;
    let avail = colour(Tone::FargateArm);
    let alloc = colour(Tone::Fargate);
    chart
        .draw_series(AreaSeries::new(
            available.iter().enumerate().map(|(i, v)| (i as f64 + 0.5, v * scale)),
            0.0,
            avail.mix(0.35),
        ))?
        .label("available to tasks")
        .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 20, y + 6)], avail.mix(0.35).filled()));
    chart
        .draw_series(LineSeries::new(
            allocated.iter().enumerate().map(|(i, v)| (i as f64 + 0.5, v * scale)),
            alloc.stroke_width(2),
        ))?
        .label("reserved by tasks")
        .legend(legend_line(alloc));
    legend(&mut chart, SeriesLabelPosition::UpperRight, 13.0)?;
    Ok(())
}

fn draw_waterfall<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, start: f64, steps: &[super::data::Step], end: f64) -> Drawn
where
    DB::ErrorType: 'static,
{
    let (label_col, plot) = area.split_horizontally(220);
    let rows = steps.len() + 2;
    let n = rows as f64;
    let mut running = start;
    let mut spans = vec![(0.0, start, Tone::Current, "Today".to_string(), start)];
    for s in steps {
        let next = running + s.delta_usd;
        let tone = if s.delta_usd < 0.0 { Tone::Saving } else { Tone::Increase };
        spans.push((running, next, tone, s.label.clone(), s.delta_usd));
        running = next;
    }
    spans.push((0.0, end, Tone::Recommended, "Recommended".to_string(), end));
    let right = max_of(spans.iter().flat_map(|(a, b, ..)| [*a, *b])).max(1.0) * 1.18;
    let mut chart = ChartBuilder::on(&plot)
        .margin_right(24)
        .x_label_area_size(50)
        .y_label_area_size(4)
        .build_cartesian_2d(0.0..right, -0.5..n - 0.5)?;
    mesh(&mut chart, 13.0)
        .disable_y_mesh()
        .y_labels(0)
        .x_desc("USD a month")
        .x_label_formatter(&|v| dollars(*v))
        .draw()?;
    let oy = label_col.get_base_pixel().1;
    // The bars by colour, each colour once in the legend.
    let bar = |i: usize| {
        let (a, b, tone, ..) = &spans[i];
        let y = n - 1.0 - i as f64;
        let (lo, hi) = if a <= b { (*a, *b) } else { (*b, *a) };
        Rectangle::new([(lo, y - 0.35), (hi, y + 0.35)], colour(*tone).filled())
    };
    for (tone, name) in [
        (Tone::Current, "today"),
        (Tone::Saving, "saving"),
        (Tone::Increase, "increase"),
        (Tone::Recommended, "recommended"),
    ] {
        let c = colour(tone);
        let mine: Vec<usize> = (0..spans.len()).filter(|&i| spans[i].2 == tone).collect();
        if !mine.is_empty() {
            chart
                .draw_series(mine.into_iter().map(bar))?
                .label(name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 20, y + 6)], c.filled()));
        }
    }
    legend(&mut chart, SeriesLabelPosition::LowerRight, 13.0)?;
    for (i, (a, b, tone, label, figure)) in spans.iter().enumerate() {
        let y = n - 1.0 - i as f64;
        let hi = a.max(*b);
        let (px, py) = chart.backend_coord(&(hi, y));
        let text = if matches!(tone, Tone::Saving | Tone::Increase) {
            format!("{}{}", if *figure > 0.0 { "+" } else { "" }, cents(*figure))
        } else {
            cents(*figure)
        };
        let (ax, ay) = plot.get_base_pixel();
        plot.draw(&Text::new(
            text,
            (px - ax + 6, py - ay),
            font(13.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        let name: String = label.chars().take(28).collect();
        label_col.draw(&Text::new(
            name,
            (212, py - oy),
            font(13.0).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    Ok(())
}

fn draw_break_even<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fargate: f64,
    fixed: f64,
    ec2: f64,
    utilisation: f64,
    break_even: Option<f64>,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let lo = (utilisation * 0.5).clamp(0.05, 0.3);
    let cost = |u: f64| fixed + (ec2 - fixed) * utilisation / u;
    let top = cost(lo).min(3.0 * ec2.max(fargate)).max(fargate) * 1.1;
    let mut chart = ChartBuilder::on(area)
        .margin_right(32)
        .x_label_area_size(50)
        .y_label_area_size(100)
        .build_cartesian_2d(lo * 100.0..100.0, 0.0..top)?;
    mesh(&mut chart, 13.0)
        .x_desc("Packing utilisation of the binding resource (CPU or memory), %")
        .y_desc("USD a month")
        .x_label_formatter(&|v| format!("{v:.0}%"))
        .y_label_formatter(&|v| dollars(*v))
        .draw()?;
    let ec2c = colour(Tone::Ec2);
    let fc = colour(Tone::Fargate);
    let steps = 200;
    chart
        .draw_series(LineSeries::new(
            (0..=steps)
                .map(|k| lo + (1.0 - lo) * f64::from(k) / f64::from(steps))
                .map(|u| (u * 100.0, cost(u).min(top))),
            ec2c.stroke_width(3),
        ))?
        .label("All on EC2, as ECS runs it")
        .legend(legend_line(ec2c));
    chart
        .draw_series(LineSeries::new([(lo * 100.0, fargate), (100.0, fargate)], fc.stroke_width(3)))?
        .label("All Fargate")
        .legend(legend_line(fc));
    chart.draw_series(std::iter::once(Circle::new((utilisation * 100.0, ec2), 7, INK.filled())))?;
    let (px, py) = chart.backend_coord(&(utilisation * 100.0, ec2));
    let (ax, ay) = area.get_base_pixel();
    // The simulated all-EC2 fleet, not today's instances.
    area.draw(&Text::new(
        format!("simulated: {:.0}%, {}", utilisation * 100.0, dollars(ec2)),
        (px - ax + 12, py - ay - 14),
        font(14.0),
    ))?;
    if let Some(b) = break_even {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(b * 100.0, 0.0), (b * 100.0, fargate)],
            INK.stroke_width(1),
        )))?;
        // Beside the marker, down by the axis: off both lines, which cross above it.
        let (bx, by) = chart.backend_coord(&(b * 100.0, 0.0));
        area.draw(&Text::new(
            format!("break-even: {:.0}%", b * 100.0),
            (bx - ax - 8, by - ay - 10),
            font(14.0).pos(Pos::new(HPos::Right, VPos::Bottom)),
        ))?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight, 15.0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_are_grouped_and_signed() {
        assert_eq!(dollars(4940.18), "$4,940");
        assert_eq!(dollars(12.345), "$12.35");
        assert_eq!(dollars(-1234567.0), "-$1,234,567");
        assert_eq!(cents(4940.179), "$4,940.18");
        assert_eq!(cents(-773.06), "-$773.06");
        assert_eq!(cents(9.999), "$10.00");
    }
}
