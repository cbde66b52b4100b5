//! Look and feel for a touchscreen in a waiting room: a legible font, big targets, slow taps
//! accepted, a clearly visible focus, an optional high-contrast theme, nothing that blinks.

use std::sync::Arc;

use eframe::egui::{
    self, Color32, FontData, FontDefinitions, FontFamily, FontId, Stroke, TextStyle, Vec2,
};

/// Atkinson Hyperlegible (Braille Institute, OFL): designed for readers with low vision.
const REGULAR: &[u8] = include_bytes!("../../assets/fonts/AtkinsonHyperlegible-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/AtkinsonHyperlegible-Bold.ttf");

/// Smallest touch target, in points (WCAG 2.5.5 asks 44; we give more).
pub const TARGET: f32 = 64.0;

/// Text sizes at zoom 1.0.
pub const BODY: f32 = 24.0;
pub const QUESTION: f32 = 30.0;
pub const HEADING: f32 = 40.0;

/// Zoom steps offered by the A− / A+ buttons; 200% at the top without clipping.
pub const ZOOMS: [f32; 5] = [1.0, 1.25, 1.5, 1.75, 2.0];

pub fn install(ctx: &egui::Context) {
    let mut fonts = FontDefinitions::default();
    fonts
        .font_data
        .insert("atkinson".into(), Arc::new(FontData::from_static(REGULAR)));
    fonts.font_data.insert(
        "atkinson-bold".into(),
        Arc::new(FontData::from_static(BOLD)),
    );
    // egui's own fonts stay behind ours as fallbacks for symbols the Latin subset lacks.
    if let Some(family) = fonts.families.get_mut(&FontFamily::Proportional) {
        family.insert(0, "atkinson".into());
    }
    let mut bold = vec!["atkinson-bold".to_owned()];
    bold.extend(
        fonts
            .families
            .get(&FontFamily::Proportional)
            .cloned()
            .unwrap_or_default(),
    );
    fonts.families.insert(FontFamily::Name("bold".into()), bold);
    ctx.set_fonts(fonts);

    ctx.options_mut(|o| {
        // Elderly and tremor users press long and drift: accept slow, wobbly taps.
        o.input_options.max_click_duration = 2.0;
        o.input_options.max_click_dist = 12.0;
    });
    ctx.all_styles_mut(|style| {
        style.text_styles = text_styles(BODY, HEADING, 0.8, 1.0);
        style.spacing.interact_size = Vec2::splat(TARGET);
        style.spacing.button_padding = Vec2::new(20.0, 14.0);
        style.spacing.item_spacing = Vec2::new(14.0, 14.0);
        style.spacing.icon_width = 32.0;
        style.spacing.icon_width_inner = 18.0;
        style.interaction.selectable_labels = false;
        style.interaction.interact_radius = 8.0;
        style.visuals.text_cursor.blink = false;
        // Nothing slides: a page that scrolls itself jumps, so no frame is drawn for motion.
        style.scroll_animation = egui::style::ScrollAnimation::none();
        // A thick, high-contrast ring on whatever has keyboard focus.
        style.visuals.selection.stroke = Stroke::new(4.0, Color32::from_rgb(0, 90, 200));
        style.visuals.widgets.hovered.bg_stroke = Stroke::new(3.0, Color32::from_rgb(0, 90, 200));
    });
    set_contrast(ctx, false);
}

/// Text sizes from a body size and a heading size (in the bundled bold face); small and
/// monospace text are the given fractions of the body size.
pub fn text_styles(
    body: f32,
    heading: f32,
    small: f32,
    mono: f32,
) -> std::collections::BTreeMap<TextStyle, FontId> {
    [
        (TextStyle::Small, FontId::proportional(body * small)),
        (TextStyle::Body, FontId::proportional(body)),
        (TextStyle::Button, FontId::proportional(body)),
        (
            TextStyle::Heading,
            FontId::new(heading, FontFamily::Name("bold".into())),
        ),
        (TextStyle::Monospace, FontId::monospace(body * mono)),
    ]
    .into()
}

/// Light theme, or a high-contrast one (black on white, heavy outlines).
pub fn set_contrast(ctx: &egui::Context, high: bool) {
    ctx.set_theme(egui::Theme::Light);
    ctx.set_visuals_of(egui::Theme::Light, visuals(high));
}

/// The colours of the light theme, or of the high-contrast one.
pub fn visuals(high: bool) -> egui::Visuals {
    let mut v = egui::Visuals::light();
    v.text_cursor.blink = false;
    v.selection.stroke = Stroke::new(4.0, Color32::from_rgb(0, 90, 200));
    if high {
        v.override_text_color = Some(Color32::BLACK);
        v.panel_fill = Color32::WHITE;
        v.window_fill = Color32::WHITE;
        for w in [
            &mut v.widgets.inactive,
            &mut v.widgets.hovered,
            &mut v.widgets.active,
            &mut v.widgets.noninteractive,
        ] {
            w.bg_stroke = Stroke::new(3.0, Color32::BLACK);
            w.fg_stroke = Stroke::new(2.0, Color32::BLACK);
        }
        v.widgets.inactive.weak_bg_fill = Color32::WHITE;
        v.widgets.inactive.bg_fill = Color32::WHITE;
        v.selection.bg_fill = Color32::from_rgb(255, 220, 0);
        v.selection.stroke = Stroke::new(5.0, Color32::BLACK);
    } else {
        // Near-black text: egui's default grey is too faint for low vision.
        v.override_text_color = Some(Color32::from_gray(15));
        v.panel_fill = Color32::from_rgb(250, 249, 246);
        // Text fields: white against the cream page.
        v.extreme_bg_color = Color32::WHITE;
        v.widgets.inactive.weak_bg_fill = Color32::from_rgb(232, 236, 242);
        v.widgets.inactive.bg_stroke = Stroke::new(1.5, Color32::from_rgb(120, 130, 145));
        v.selection.bg_fill = Color32::from_rgb(190, 215, 250);
    }
    v
}
