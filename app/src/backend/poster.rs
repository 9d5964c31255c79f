//! The 上岗公示 poster's two drawings, made on the server as SVG: the grid's
//! outline among its neighbours, and the QR code of its bound report form.
//! Both are built from numbers and our own codes only, never from user text.

/// The drawing's size in SVG units (the poster scales it to the page).
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 420.0;
const MARGIN: f64 = 12.0;

/// The grid (first in `shapes`) filled and outlined, its neighbours outlined
/// in grey and labelled with the last part of their codes. `shapes` are
/// (code, outer rings as `[lat, lng]`), as `Atlas::neighbourhood` gives them.
pub fn map_svg(shapes: &[(String, Vec<Vec<[f64; 2]>>)]) -> String {
    let Some((_, own)) = shapes.first() else {
        return String::new();
    };
    // Frame the grid with room for a strip of its neighbours around it.
    let pts = || own.iter().flatten();
    let (mut s, mut w, mut n, mut e) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in pts() {
        s = s.min(p[0]);
        n = n.max(p[0]);
        w = w.min(p[1]);
        e = e.max(p[1]);
    }
    if s > n {
        return String::new();
    }
    let (pad_lat, pad_lng) = ((n - s) * 0.35, (e - w) * 0.35);
    let (s, n, w, e) = (s - pad_lat, n + pad_lat, w - pad_lng, e + pad_lng);
    // Equirectangular with the latitude's cosine: right shapes at grid scale.
    let k = ((s + n) / 2.0).to_radians().cos();
    let (span_x, span_y) = (((e - w) * k).max(1e-9), (n - s).max(1e-9));
    let scale = ((WIDTH - 2.0 * MARGIN) / span_x).min((HEIGHT - 2.0 * MARGIN) / span_y);
    let (ox, oy) = (
        (WIDTH - span_x * scale) / 2.0,
        (HEIGHT - span_y * scale) / 2.0,
    );
    let xy = |p: &[f64; 2]| (ox + (p[1] - w) * k * scale, oy + (n - p[0]) * scale);
    let path = |rings: &[Vec<[f64; 2]>]| {
        rings
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let (x, y) = xy(p);
                        format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" })
                    })
                    .collect::<String>()
                    + "Z"
            })
            .collect::<String>()
    };
    let mut out = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="poster-map"><defs><clipPath id="poster-frame"><rect width="{WIDTH}" height="{HEIGHT}"/></clipPath></defs><rect width="{WIDTH}" height="{HEIGHT}" fill="#f8fafc"/><g clip-path="url(#poster-frame)">"##
    );
    for (code, rings) in shapes.iter().skip(1) {
        out.push_str(&format!(
            r##"<path d="{}" fill="#eef2f7" stroke="#94a3b8" stroke-width="1.2"/>"##,
            path(rings)
        ));
        if let Some((x, y)) = centre(rings).map(|c| xy(&c)) {
            let label = code.rsplit('-').next().unwrap_or_default();
            out.push_str(&format!(
                r##"<text x="{x:.1}" y="{y:.1}" font-size="13" fill="#64748b" text-anchor="middle">{}</text>"##,
                escape(label)
            ));
        }
    }
    out.push_str(&format!(
        r##"<path d="{}" fill="#fde2e2" fill-opacity="0.85" stroke="#c8161d" stroke-width="3.5"/></g></svg>"##,
        path(own)
    ));
    out
}

/// The middle of the rings' box: where a neighbour's label goes.
fn centre(rings: &[Vec<[f64; 2]>]) -> Option<[f64; 2]> {
    let pts: Vec<&[f64; 2]> = rings.iter().flatten().collect();
    if pts.is_empty() {
        return None;
    }
    let (mut s, mut w, mut n, mut e) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in pts {
        s = s.min(p[0]);
        n = n.max(p[0]);
        w = w.min(p[1]);
        e = e.max(p[1]);
    }
    Some([(s + n) / 2.0, (w + e) / 2.0])
}

/// Codes are letters, digits, `-` and `_` (`RegionCode`); escaped anyway.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The QR code of `url` as an inline SVG (one unit per module, a quiet
/// zone of four), scaled by the page's CSS.
pub fn qr_svg(url: &str) -> Result<String, String> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M)
        .map_err(|e| e.to_string())?;
    let image = code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .module_dimensions(1, 1)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .build();
    // Inline in HTML: without the XML declaration.
    let start = image.find("<svg").unwrap_or(0);
    Ok(image[start..].replacen("<svg ", r#"<svg class="poster-qr" role="img" "#, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_is_drawn_inside_the_frame_over_its_neighbours() {
        let square = |x: f64, y: f64| {
            vec![vec![
                [y, x],
                [y, x + 0.01],
                [y + 0.01, x + 0.01],
                [y + 0.01, x],
                [y, x],
            ]]
        };
        let svg = map_svg(&[
            ("A-01".into(), square(117.0, 36.6)),
            ("A-02".into(), square(117.01, 36.6)),
        ]);
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(">02</text>"), "the neighbour is labelled");
        // The grid itself (drawn last) lies within the drawing; neighbours
        // may run past its edge, where the clip path cuts them.
        let own = svg.rsplit(r#"<path d=""#).next().unwrap();
        let own = &own[..own.find('"').unwrap()];
        let numbers: Vec<f64> = own
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter_map(|t| t.parse().ok())
            .collect();
        assert!(numbers.len() >= 10, "{own}");
        assert!(numbers.iter().all(|n| (0.0..=WIDTH).contains(n)), "{own}");
        assert!(map_svg(&[]).is_empty());
    }

    #[test]
    fn the_qr_code_is_inline_svg() {
        let svg = qr_svg("https://example.org/report?grid=A-01").unwrap();
        assert!(svg.starts_with(r#"<svg class="poster-qr""#));
        assert!(svg.contains("<path"));
    }
}
