// The `--report FILE.html` writer (report.hpp). The document is assembled at
// finish(), because its summary comes first and is only known at the end;
// until then it holds counts, the sites table rows and the rendered site
// sections, each bounded by ReportLimits.
#include "report/report.hpp"

#include "output/eia_fields.hpp"
#include "redline/check.hpp"
#include "redline/eia.hpp"
#include "redline/error.hpp"
#include "redline/layer.hpp"
#include "redline/rulebook.hpp"
#include "redline/source.hpp"
#include "redline/industry.hpp"
#include "util/text.hpp"
#include "redline/version.hpp"

#include <algorithm>
#include <array>

namespace redline {

namespace {

constexpr std::array<Outcome, 5> k_verdicts{Outcome::Pass, Outcome::Conditional,
                                            Outcome::Incomplete, Outcome::Fail, Outcome::Error};

std::string css_class(Outcome o)
{
    return "v-" + to_lower_ascii(outcome_name(o));
}

std::string badge(Outcome o, Lang lang)
{
    std::string text = lang == Lang::Zh ? outcome_word(o, lang) + " " + std::string(outcome_name(o))
                                        : std::string(outcome_name(o));
    return "<span class=\"badge " + css_class(o) + "\">" + html_escape(text) + "</span>";
}

/// The short form, for column headers.
std::string badge_short(Outcome o, Lang lang)
{
    return "<span class=\"badge " + css_class(o) + "\">" +
           html_escape(lang == Lang::Zh ? outcome_word(o, lang) : std::string(outcome_name(o))) +
           "</span>";
}

std::string info_value(const RunInfo& info, const std::string& key)
{
    for (const auto& [k, v] : info)
        if (k == key)
            return v;
    return "";
}

std::string or_dash(const std::string& s)
{
    return s.empty() ? "—" : html_escape(s);
}

std::string td(const std::string& escaped, const std::string& cls = "")
{
    return (cls.empty() ? "<td>" : "<td class=\"" + cls + "\">") + escaped + "</td>";
}

std::string eia_category_words(const std::string& name, Lang lang)
{
    auto c = eia::parse_category(name);
    return c ? eia::category_words(*c, lang) : name;
}

/// "报告表（第67项）" for the sites table.
std::string eia_cell(const SiteResult& r, Lang lang)
{
    const Finding* e = r.eia_finding();
    if (!e)
        return "—";
    std::string s = eia_category_words(e->eia->category, lang);
    if (e->item)
        s += tr(lang, "（第" + std::to_string(e->item) + "项）", " (item " + std::to_string(e->item) + ")");
    return s;
}

std::string industry_text(const SiteResult& r, const Application& app)
{
    if (r.industry.empty())
        return app.industry;
    const auto* e = IndustryTable::gbt4754_2017().find(r.industry);
    return r.industry + (e ? " " + e->name : "");
}

/// A header cell per verdict, for the per-township table.
std::string verdict_headers(Lang lang)
{
    std::string h;
    for (Outcome o : k_verdicts)
        h += "<th class=\"n\">" + badge_short(o, lang) + "</th>";
    return h;
}

/// A count cell per verdict, in the order of verdict_headers(); `count(o)`
/// is the number of sites with verdict o.
template <class Count> std::string verdict_cells(Count count)
{
    std::string c;
    for (Outcome o : k_verdicts)
        c += td(std::to_string(count(o)), "n");
    return c;
}

std::string verdict_cells(const ZoneSummary::Row& row)
{
    return verdict_cells([&](Outcome o) { return row.verdicts(o); });
}

std::string verdict_cells(const std::map<Outcome, std::size_t>& m)
{
    return verdict_cells([&](Outcome o) {
        auto it = m.find(o);
        return it == m.end() ? std::size_t{0} : it->second;
    });
}

/// "existing + added / cap (share)" of a load in township `i`, in bold over the cap.
std::string load_cell(const ZoneLoads& ld, std::size_t i, double added)
{
    const double existing = i < ld.existing.size() ? ld.existing[i] : 0.0;
    std::string cell = format_number(existing, 3) + " + " + format_number(added, 3) + " / ";
    if (i < ld.caps.size() && ld.caps[i] && *ld.caps[i] > 0) {
        const double pct = 100.0 * (existing + added) / *ld.caps[i];
        cell += format_number(*ld.caps[i], 3) + "（" + format_number(pct, 1) + "%）";
        if (pct > 100)
            cell = "<b>" + cell + "</b>";
    } else {
        cell += "—";
    }
    return cell;
}

/// The site's map with its legend, or a note when there is no geometry to draw.
std::string map_html(const SiteResult& r, const std::string& map, Lang lang)
{
    if (map.empty())
        return "<div class=\"nomap\">" +
               tr(lang, "无可绘制的选址几何（记录不可用）",
                  "no site geometry to draw (unusable record)") +
               "</div>\n";
    bool context = false, zone = false, hit = false;
    for (const auto& f : r.findings) {
        context = context || !f.layer.empty();
        const bool z = f.check && f.check->info().drawing == Drawing::Zone;
        zone = zone || (z && !f.feature_key.empty());
        hit = hit || (!z && !f.feature_key.empty());
    }
    const std::string vc = css_class(r.verdict);
    return "<figure class=\"mapbox\">" + map + "<figcaption><i class=\"site " + vc + "\"></i>" +
           tr(lang, "项目选址", "site") +
           (hit ? "<i class=\"hit " + vc + "\"></i>" +
                      tr(lang, "触及的管控要素", "constraint features hit")
                : "") +
           (zone ? "<i class=\"hit zone " + vc + "\"></i>" +
                       tr(lang, "所在管控单元、乡镇", "units, townships the site is in")
                 : "") +
           "<i class=\"ev " + vc + "\"></i>" +
           tr(lang, "证据：重叠部分、最短距离线、范围外部分",
              "evidence: overlap, shortest line, part outside") +
           (context ? "<i class=\"ctx\"></i>" + tr(lang, "参照图层", "reference layer") : "") +
           "<br>" +
           tr(lang, "颜色表示结果：红 不通过，琥珀 有条件通过，灰蓝 信息不全，蓝 提示。",
              "Colour = outcome: red FAIL, amber CONDITIONAL, grey-blue INCOMPLETE, blue INFO.") +
           "</figcaption></figure>\n";
}

/// The findings table, one row (and its detail) per finding.
std::string findings_html(const std::vector<Finding>& findings, Lang lang)
{
    if (findings.empty())
        return "<p class=\"note\">" + tr(lang, "无管控规则命中。", "No rule is triggered.") + "</p>";
    std::string s =
        "<table class=\"findings\"><colgroup><col style=\"width:3%\"><col style=\"width:9%\">"
        "<col style=\"width:8%\"><col style=\"width:7%\"><col style=\"width:14%\">"
        "<col style=\"width:10%\"><col style=\"width:7%\"><col style=\"width:6%\">"
        "<col style=\"width:8%\"><col style=\"width:17%\"><col style=\"width:11%\">"
        "</colgroup><thead><tr><th>#</th><th>" + tr(lang, "规则", "rule") +
        "</th><th>" + tr(lang, "结果", "outcome") + "</th><th>" + tr(lang, "图层", "layer") +
        "</th><th>" + tr(lang, "要素", "feature") + "</th><th>" +
        tr(lang, "量测值", "measured") + "</th><th>" + tr(lang, "阈值", "threshold") +
        "</th><th>" + tr(lang, "占比", "share") + "</th><th>" +
        tr(lang, "维度", "dimension") + "</th><th>" + tr(lang, "条款", "clause") +
        "</th><th>" + tr(lang, "依据", "basis") + "</th></tr></thead>\n";
    std::size_t n = 0;
    for (const auto& f : findings) {
        std::string feature = html_escape(f.feature_key);
        if (!f.feature_label.empty())
            feature += (feature.empty() ? "" : "<br>") + html_escape(f.feature_label);
        std::string measured = html_escape(measure_word(f.measure, lang));
        if (!std::isnan(f.value))
            measured += "<br><b>" + html_escape(format_amount(f.value, f.unit)) + "</b>";
        s += "<tbody class=\"finding\"><tr>" + td(std::to_string(++n), "n") +
             td(html_escape(f.rule_id), "id") + td(badge_short(f.outcome, lang)) +
             td(or_dash(f.layer)) + td(feature.empty() ? "—" : feature) + td(measured) +
             td(html_escape(format_amount(f.threshold, f.unit)), "n") +
             td(std::isnan(f.share) ? "—" : format_number(f.share, 1) + "%", "n") +
             td(or_dash(f.dimension)) + td(or_dash(f.clause)) + td(or_dash(f.basis)) +
             "</tr>";
        if (!f.detail.empty())
            s += "<tr class=\"detail\"><td></td><td colspan=\"10\">" + html_escape(f.detail) +
                 "</td></tr>";
        s += "</tbody>\n";
    }
    return s + "</table>\n";
}

const char* const k_css = R"css(
@page { size: A4; margin: 14mm 12mm 16mm 12mm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #666; } }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
  "Microsoft YaHei", "PingFang SC", sans-serif; font-size: 10pt; line-height: 1.45; color: #1d1d1f;
  margin: 0 auto; max-width: 186mm; padding: 8mm 0; background: #fff; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h1 small { display: block; font-size: 11pt; font-weight: normal; color: #444; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; border-bottom: 1.5px solid #333; padding-bottom: 1mm;
  break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; }
th, td { border: 0.6px solid #bbb; padding: 1mm 1.4mm; vertical-align: top; text-align: left; }
th { background: #eef0f3; font-weight: 600; }
thead { display: table-header-group; }
tr, tbody.finding { break-inside: avoid; }
td.n, th.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.code, td.id, .mono { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; }
td.code { word-break: break-all; }
td.id, td.nw { white-space: nowrap; }
table.meta th { width: 28%; }
table.small, table.findings { font-size: 8.5pt; }
table.sites td:nth-child(6) { font-size: 8pt; }
.badge { display: inline-block; padding: 0 1.6mm; border-radius: 1.2mm; color: #fff;
  font-size: 8.5pt; font-weight: 600; white-space: nowrap; }
.v-pass { --c: #2e9e44; } .v-conditional { --c: #f0a202; } .v-incomplete { --c: #7b8fa6; }
.v-fail { --c: #d7191c; } .v-error { --c: #c51b7d; } .v-info { --c: #4a7fb5; }
.badge { background: var(--c); }
.v-conditional.badge { color: #222; }
.bar { display: flex; height: 6mm; border: 0.6px solid #888; margin: 2mm 0 1mm; }
.bar span { background: var(--c); }
.note { color: #555; font-size: 8.5pt; }
.warn { background: #fff4d6; border-left: 3px solid #f0a202; padding: 1.5mm 2.5mm; }
section.site { break-before: page; }
section.site h2 { display: flex; gap: 2.5mm; align-items: baseline; flex-wrap: wrap; }
figure.mapbox { margin: 2mm 0; break-inside: avoid; }
figure.mapbox svg { width: 100%; height: auto; display: block; border: 0.6px solid #999; }
figcaption { font-size: 8pt; color: #444; margin-top: 1mm; }
figcaption i { display: inline-block; width: 4mm; height: 2.6mm; margin: 0 1mm 0 3mm;
  vertical-align: middle; border: 1.4px solid var(--c); }
figcaption i.site { background: var(--c); border-color: #111; }
figcaption i.hit { background: color-mix(in srgb, var(--c) 18%, transparent); }
figcaption i.ev { background: color-mix(in srgb, var(--c) 55%, transparent); border-style: dashed; }
figcaption i.hit.zone { background: none; border-style: dashed; }
figcaption i.ctx { --c: #8a8a8a; background: #ececec; border-style: dashed; }
.nomap { border: 0.6px dashed #999; padding: 6mm; text-align: center; color: #666; }
tr.detail td { border-top: none; color: #444; font-size: 8pt; background: #fafafa; }
svg .bg { fill: #fbfbf7; }
svg .frame { fill: none; stroke: #888; stroke-width: 1; }
svg .ctx { fill: #d9d9d9; fill-opacity: .45; stroke: #8a8a8a; stroke-width: .8; stroke-dasharray: 3 2; }
svg .hit { fill: var(--c); fill-opacity: .16; stroke: var(--c); stroke-width: 1.4; }
svg .ev { fill: var(--c); fill-opacity: .55; stroke: var(--c); stroke-width: 2; }
svg path.line { fill: none; }
svg .hit.zone { fill: none; stroke-width: 1.6; stroke-dasharray: 9 4; }
svg path.ev.line { stroke-width: 7; stroke-opacity: .6; }
svg path.ev.dist { stroke-width: 2.4; stroke-opacity: 1; stroke-dasharray: 6 3; }
svg circle.ev { fill: none; stroke-width: 2.4; }
svg .site { fill: var(--c); fill-opacity: .5; stroke: #111; stroke-width: 1.8; }
svg path.site.line { stroke: #111; stroke-width: 2; }
svg circle.site { fill-opacity: 1; stroke-width: 1.5; }
svg text { font-size: 10px; fill: #222; text-anchor: middle; }
svg .lbl { font-size: 11px; fill: #333; paint-order: stroke; stroke: #fff; stroke-width: 3px;
  stroke-linejoin: round; }
svg .halo { fill: #fff; fill-opacity: .82; }
svg .k { fill: #222; } svg .w { fill: #fff; stroke: #222; stroke-width: .8; }
svg .north text { font-size: 12px; font-weight: bold; }
svg .crs { font-size: 9px; text-anchor: end; fill: #555; }
svg .unit { text-anchor: start; }
@media print { body { max-width: none; padding: 0; } a { color: inherit; text-decoration: none; }
  figure.mapbox svg { width: auto; max-width: 100%; height: 92mm; margin: 0 auto; } }
)css";

} // namespace

std::string existing_enterprises_note(Lang lang)
{
    return tr(lang,
              "本次筛查对象为现有企业（存量污染源，规则库图层）。准入清单针对新建、改建、扩建项目；对现有企业，结论回答的是"
              "“按现行规则，它今天还能否获准”，即需整改、搬迁或关停的名单。总量核算中，企业自身排放已计入所在乡镇的现有负荷，"
              "不重复计算：扣除其自身后的现有负荷加上其自身排放，再与上限比较。",
              "The records are existing enterprises (a layer of the rulebook). Access-list rows are about new "
              "projects; for an existing enterprise the verdict answers \"would it be allowed today\" under the "
              "rules in force: the list to rectify, relocate or close. In the load caps an enterprise's own load "
              "is already in its township's existing load and is not counted twice: the existing load without it, "
              "plus its own, is compared with the cap.");
}

ReportWriter::ReportWriter(std::string path, ReportLimits limits)
    : m_path(std::move(path)), m_limits(limits)
{
}

void ReportWriter::begin(const SinkContext& context)
{
    m_engine = &context.engine;
    m_lang = context.lang;
    m_layer_input = context.source.layer_input;
    m_map.emplace(context.engine, context.lang);
    m_eia = eia_fields::enabled(context.engine);
    m_out.open(m_path, std::ios::binary | std::ios::trunc);
    if (!m_out)
        throw OutputError("cannot create '" + m_path + "'");
}

ReportWriter::~ReportWriter() = default;

void ReportWriter::write(const SiteResult& r, const Application& app)
{
    const Lang lang = m_lang;
    ++m_sites;
    ++m_by_verdict[r.verdict];
    if (m_eia)
        ++m_by_eia_category[eia_fields::category(r)];
    if (r.townships.empty()) {
        ++m_no_township;
        ++m_no_township_by_verdict[r.verdict];
    }
    std::map<std::string, Outcome> worst_by_rule;
    for (const auto& f : r.findings) {
        auto [it, fresh] = m_by_rule.try_emplace(f.rule_id);
        if (fresh) {
            it->second.check_type = f.check_type;
            m_rule_order.push_back(f.rule_id);
        }
        if (it->second.clause.empty())
            it->second.clause = f.clause;
        ++it->second.findings;
        auto [w, first] = worst_by_rule.try_emplace(f.rule_id, f.outcome);
        if (!first)
            w->second = std::max(w->second, f.outcome);
    }
    for (const auto& [rule, o] : worst_by_rule)
        ++m_by_rule[rule].sites[o];

    const bool sectioned = r.verdict != Outcome::Pass && m_section_count < m_limits.sections;
    if (r.verdict != Outcome::Pass && !sectioned)
        ++m_section_skipped;

    const bool listed = m_table_count < m_limits.table_rows &&
                        (m_sites <= m_limits.table_all || r.verdict != Outcome::Pass);
    if (listed) {
        ++m_table_count;
        const std::string id = html_escape(r.site_id);
        m_table += "<tr><td class=\"id\">" +
                   (sectioned ? "<a href=\"#s-" + std::to_string(r.index) + "\">" + id + "</a>"
                              : id) +
                   "</td>" + td(html_escape(app.name)) +
                   td(html_escape(industry_text(r, app))) +
                   td(html_escape(join(r.townships, tr(lang, "、", ", ")))) +
                   td(badge_short(r.verdict, lang)) + (m_eia ? td(html_escape(eia_cell(r, lang))) : "") +
                   td(html_escape(r.message)) + "</tr>\n";
    } else {
        ++m_table_skipped;
    }

    if (sectioned) {
        ++m_section_count;
        m_sections += section(r, app);
    }
}

std::string ReportWriter::eia_counts_html(Lang lang) const
{
    std::vector<std::string> parts;
    for (const auto& c : eia_fields::categories())
        if (auto it = m_by_eia_category.find(c); it != m_by_eia_category.end())
            parts.push_back(eia_category_words(c, lang) + " " + std::to_string(it->second));
    return "<p>" + tr(lang, "环评类别（《建设项目环境影响评价分类管理名录（2021年版）》）：",
                      "EIA categories (2021 catalog): ") +
           html_escape(join(parts, tr(lang, "，", ", "))) + "</p>\n";
}

std::string ReportWriter::section(const SiteResult& r, const Application& app)
{
    const Lang lang = m_lang;
    std::string s = "<section class=\"site\" id=\"s-" + std::to_string(r.index) +
                    "\" data-site-id=\"" + html_escape(r.site_id) + "\">\n<h2>" +
                    badge(r.verdict, lang) + "<span class=\"mono\">" + html_escape(r.site_id) +
                    "</span><span>" + html_escape(app.name) + "</span></h2>\n";
    s += "<table class=\"meta small\">";
    s += "<tr><th>" + tr(lang, "行业（GB/T 4754-2017）", "industry (GB/T 4754-2017)") + "</th>" +
         td(or_dash(industry_text(r, app))) + "</tr>";
    s += "<tr><th>" + tr(lang, "乡镇（街道）", "township") + "</th>" +
         td(or_dash(join(r.townships, tr(lang, "、", ", ")))) + "</tr>";
    s += "<tr><th>" + tr(lang, "环境管控单元", "control units") + "</th>" +
         td(or_dash(join(r.units, tr(lang, "、", ", "))), "code") + "</tr>";
    s += "<tr><th>" + tr(lang, "输入记录", "input record") + "</th>" +
         td(tr(lang, "第 " + std::to_string(r.index + 1) + " 条",
               "#" + std::to_string(r.index + 1))) +
         "</tr>";
    s += "<tr><th>" + tr(lang, "结论", "verdict") + "</th>" + td(html_escape(r.message)) + "</tr>";
    if (const Finding* e = r.eia_finding()) // the item and the trigger that decided it
        s += "<tr><th>" + tr(lang, "环评类别", "EIA category") + "</th>" + td(html_escape(e->detail)) + "</tr>";
    s += "</table>\n";

    s += map_html(r, m_map->svg(r), lang);
    s += findings_html(r.findings, lang);
    return s + "</section>\n";
}

std::string ReportWriter::head(const RunInfo& info) const
{
    const Lang lang = m_lang;
    const auto& rb = m_engine->rulebook();
    const std::string title =
        tr(lang, "三线一单选址筛查报告", "Siting screening report (三线一单)");
    std::string s = "<!DOCTYPE html>\n<html lang=\"" + tr(lang, "zh-CN", "en") +
                    "\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                    "style-src 'unsafe-inline'; img-src data:\">\n"
                    "<meta name=\"generator\" content=\"redline " REDLINE_VERSION "\">\n<title>" +
                    html_escape(title + " · " + rb.name) + "</title>\n<style>" + k_css +
                    "</style>\n</head>\n<body>\n<header>\n<h1>" + html_escape(title) + "<small>" +
                    html_escape(rb.name) + "</small></h1>\n";
    auto row = [&](const std::string& th, const std::string& value, const std::string& cls = "") {
        s += "<tr><th>" + th + "</th>" + td(value.empty() ? "—" : value, cls) + "</tr>";
    };
    s += "<table class=\"meta small\">";
    row(tr(lang, "规则库", "rulebook"), html_escape(rb.name));
    row(tr(lang, "规则库版本", "rulebook version"), html_escape(rb.version));
    row(tr(lang, "规则库 SHA-256", "rulebook SHA-256"), html_escape(rb.sha256), "code");
    row(tr(lang, "规则库文件", "rulebook file"), html_escape(rb.path), "code");
    row(tr(lang, "申请文件", "applications"), html_escape(info_value(info, "applications")),
        "code");
    row(tr(lang, "记录数", "records"), std::to_string(m_sites));
    const std::string started = info_value(info, "started"), finished = info_value(info, "finished");
    row(tr(lang, "运行时间（UTC）", "run time (UTC)"),
        html_escape(started + (finished.empty() ? "" : " → " + finished) +
                    (info_value(info, "seconds").empty()
                         ? ""
                         : "（" + info_value(info, "seconds") + " s）")));
    row(tr(lang, "坐标系", "CRS"),
        html_escape(tr(lang, "计算 ", "working ") + rb.working_crs + tr(lang, "；输入 ", "; input ") +
                    (info_value(info, "input_crs").empty() ? rb.input_crs
                                                          : info_value(info, "input_crs"))));
    row(tr(lang, "工具", "tool"), html_escape("redline " REDLINE_VERSION));
    s += "</table>\n";
    if (!m_layer_input.empty())
        s += "<p class=\"warn\">" + html_escape(existing_enterprises_note(lang)) + "</p>\n";
    s += "</header>\n";
    return s;
}

std::string ReportWriter::summary_html(const ZoneSummary& summary, const RunInfo& info) const
{
    std::string s = "<section class=\"summary\">\n<h2>" +
                    tr(m_lang, "一、筛查结论统计", "1. Verdicts") + "</h2>\n" + verdicts_html();
    if (summary.enabled())
        s += townships_html(summary);
    s += rules_html() + "</section>\n";
    s += layers_html(info);
    return s;
}

std::string ReportWriter::verdicts_html() const
{
    const Lang lang = m_lang;
    std::string s = "<div class=\"bar\">";
    for (Outcome o : k_verdicts) {
        auto it = m_by_verdict.find(o);
        const std::size_t n = it == m_by_verdict.end() ? 0 : it->second;
        if (n && m_sites)
            s += "<span class=\"" + css_class(o) + "\" style=\"width:" +
                 format_number(100.0 * static_cast<double>(n) / static_cast<double>(m_sites), 3) +
                 "%\" title=\"" + std::string(outcome_name(o)) + "\"></span>";
    }
    s += "</div>\n<table class=\"small\"><thead><tr><th>" + tr(lang, "结论", "verdict") +
         "</th><th class=\"n\">" + tr(lang, "项目数", "sites") + "</th><th class=\"n\">" +
         tr(lang, "占比", "share") + "</th></tr></thead>";
    for (Outcome o : k_verdicts) {
        auto it = m_by_verdict.find(o);
        const std::size_t n = it == m_by_verdict.end() ? 0 : it->second;
        s += "<tr>" + td(badge(o, lang)) + td(std::to_string(n), "n") +
             td(m_sites ? format_number(100.0 * static_cast<double>(n) /
                                            static_cast<double>(m_sites), 1) + "%"
                        : "—",
                "n") +
             "</tr>";
    }
    s += "<tr><th>" + tr(lang, "合计", "total") + "</th>" + td(std::to_string(m_sites), "n") +
         td("100%", "n") + "</tr></table>\n";
    return s;
}

std::string ReportWriter::townships_html(const ZoneSummary& summary) const
{
    // By township (the zone summary's rows, in layer order).
    const Lang lang = m_lang;
    std::string s = "<h3>" + tr(lang, "按乡镇（街道）", "By township") + "</h3>\n";
    s += "<table class=\"small\"><thead><tr><th>" + tr(lang, "乡镇（街道）", "township") +
         "</th><th class=\"n\">" + tr(lang, "项目数", "sites") + "</th>" + verdict_headers(lang);
    for (const auto& l : summary.loads())
        s += "<th class=\"n\">" + html_escape(l.check_id + " " + l.attr + "（" + l.unit + "）") +
             "<br>" + tr(lang, "现有 + 新增 / 上限", "existing + added / cap") + "</th>";
    s += "</tr></thead>\n";
    const Layer& layer = *summary.layer();
    for (std::size_t i = 0; i < layer.size() && i < summary.rows().size(); ++i) {
        const auto& row = summary.rows()[i];
        const auto& f = layer.feature(i);
        s += "<tr>" + td(html_escape(f.label.empty() ? f.key : f.label), "nw") +
             td(std::to_string(row.sites), "n") + verdict_cells(row);
        for (std::size_t l = 0; l < summary.loads().size(); ++l)
            s += td(load_cell(summary.loads()[l], i, l < row.added.size() ? row.added[l] : 0.0),
                    "n");
        s += "</tr>\n";
    }
    if (m_no_township) {
        s += "<tr>" + td(tr(lang, "（不在任何乡镇内）", "(in no township)")) +
             td(std::to_string(m_no_township), "n") + verdict_cells(m_no_township_by_verdict);
        for (std::size_t l = 0; l < summary.loads().size(); ++l)
            s += td("—", "n");
        s += "</tr>\n";
    }
    s += "</table>\n<p class=\"note\">" +
         tr(lang, "跨乡镇的项目在其触及的每个乡镇各计一次。",
            "A site that spans townships counts in each of them.") +
         "</p>\n";
    return s;
}

std::vector<std::string> ReportWriter::rules_in_order() const
{
    // By rule, in rulebook order (access-list rows after their check).
    auto rank = [&](const std::string& rule) {
        const auto& checks = m_engine->checks();
        for (std::size_t i = 0; i < checks.size(); ++i)
            if (checks[i]->id() == rule)
                return i;
        const std::string& type = m_by_rule.at(rule).check_type;
        for (std::size_t i = 0; i < checks.size(); ++i)
            if (checks[i]->type() == type)
                return i;
        return checks.size();
    };
    std::vector<std::string> rules = m_rule_order;
    std::stable_sort(rules.begin(), rules.end(), [&](const std::string& a, const std::string& b) {
        const auto ra = rank(a), rb = rank(b);
        return ra != rb ? ra < rb : a < b;
    });
    return rules;
}

std::string ReportWriter::rules_html() const
{
    const Lang lang = m_lang;
    const std::vector<std::string> rules = rules_in_order();
    std::string s = "<h3>" + tr(lang, "按规则", "By rule") +
                    "</h3>\n<table class=\"small\"><thead><tr><th>" + tr(lang, "规则", "rule") +
                    "</th><th>" + tr(lang, "类型", "type") + "</th><th>" +
                    tr(lang, "条款", "clause") + "</th>";
    for (Outcome o : {Outcome::Fail, Outcome::Incomplete, Outcome::Conditional, Outcome::Info})
        s += "<th class=\"n\">" + badge_short(o, lang) + "</th>";
    s += "<th class=\"n\">" + tr(lang, "结果条数", "findings") + "</th></tr></thead>\n";
    for (const auto& id : rules) {
        const RuleCount& c = m_by_rule.at(id);
        s += "<tr>" + td(html_escape(id), "id") + td(html_escape(c.check_type), "id") +
             td(or_dash(c.clause));
        for (Outcome o : {Outcome::Fail, Outcome::Incomplete, Outcome::Conditional, Outcome::Info}) {
            auto it = c.sites.find(o);
            s += td(it == c.sites.end() ? "0" : std::to_string(it->second), "n");
        }
        s += td(std::to_string(c.findings), "n") + "</tr>\n";
    }
    if (rules.empty())
        s += "<tr><td colspan=\"8\">" + tr(lang, "无", "none") + "</td></tr>";
    s += "</table>\n<p class=\"note\">" +
         tr(lang, "各列为该规则结果最严重为该等级的项目数。",
            "Columns count sites by the rule's most severe outcome at the site.") +
         "</p>\n";
    return s;
}

std::string ReportWriter::layers_html(const RunInfo& info) const
{
    // Layers: what a decision can be reproduced from.
    const Lang lang = m_lang;
    std::string s =
        "<section class=\"layers\">\n<h2>" + tr(lang, "二、所用图层", "2. Layers used") +
        "</h2>\n<table class=\"small\"><thead><tr><th>" + tr(lang, "图层", "layer") + "</th><th>" +
        tr(lang, "数据源", "source") + "</th><th class=\"n\">" + tr(lang, "要素数", "features") +
        "</th><th class=\"n\">" + tr(lang, "修复", "repaired") + "</th><th>" +
        tr(lang, "修改时间（UTC）", "modified (UTC)") + "</th><th>" + tr(lang, "坐标系", "CRS") +
        "</th></tr></thead>\n";
    for (const auto& l : m_engine->layers().all()) {
        const std::string p = "layer." + l->name() + ".";
        auto get = [&](const std::string& k, const std::string& fallback) {
            std::string v = info_value(info, p + k);
            return v.empty() ? fallback : v;
        };
        s += "<tr>" + td(html_escape(l->name()), "id") +
             td(html_escape(get("source", l->def().source)), "code") +
             td(html_escape(get("features", std::to_string(l->size()))), "n") +
             td(html_escape(get("repaired", std::to_string(l->repaired_count()))), "n") +
             td(or_dash(get("modified", l->modified()))) +
             td(or_dash(get("crs", l->source_crs()))) + "</tr>\n";
    }
    s += "</table>\n</section>\n";
    return s;
}

void ReportWriter::finish(const RunSummary& run)
{
    const ZoneSummary& summary = run.zones;
    const RunInfo& info = run.info;
    const Lang lang = m_lang;
    m_out << head(info) << summary_html(summary, info);

    m_out << "<section class=\"sites\">\n<h2>" << tr(lang, "三、项目一览", "3. Sites") << "</h2>\n";
    if (m_table_skipped)
        m_out << "<p class=\"warn\">"
              << tr(lang,
                    "本批共 " + std::to_string(m_sites) + " 条记录：前 " +
                        std::to_string(m_limits.table_all) + " 条全部列出，其后仅列未通过的项目，最多 " +
                        std::to_string(m_limits.table_rows) + " 行；未列出 " +
                        std::to_string(m_table_skipped) + " 条，完整结果见 GeoPackage / JSON / CSV 输出。",
                    std::to_string(m_sites) + " records: the first " +
                        std::to_string(m_limits.table_all) +
                        " are all listed, then only non-PASS sites, at most " +
                        std::to_string(m_limits.table_rows) + " rows; " +
                        std::to_string(m_table_skipped) +
                        " are not listed (the GeoPackage, JSON and CSV outputs have them all).")
              << "</p>\n";
    if (m_eia)
        m_out << eia_counts_html(lang);
    m_out << "<table class=\"sites small\"><colgroup><col style=\"width:12%\">"
             "<col style=\"width:20%\"><col style=\"width:15%\"><col style=\"width:8%\">"
             "<col style=\"width:9%\">"
          << (m_eia ? "<col style=\"width:11%\"><col style=\"width:25%\">" : "<col style=\"width:36%\">")
          << "</colgroup><thead><tr><th>"
          << tr(lang, "编号", "id") << "</th><th>"
          << tr(lang, "项目名称", "name") << "</th><th>" << tr(lang, "行业", "industry")
          << "</th><th>" << tr(lang, "乡镇", "township") << "</th><th>"
          << tr(lang, "结论", "verdict") << "</th><th>"
          << (m_eia ? tr(lang, "环评类别", "EIA category") + "</th><th>" : std::string())
          << tr(lang, "说明", "message") << "</th></tr></thead>\n<tbody>\n"
          << m_table << "</tbody></table>\n</section>\n";
    m_table.clear();
    m_table.shrink_to_fit();

    m_out << "<section class=\"details\">\n<h2>" << tr(lang, "四、项目详情", "4. Site details")
          << "</h2>\n<p class=\"note\">"
          << tr(lang,
                "每个未通过（非 PASS）的项目一节：选址图（计算坐标系，比例尺单位为米）与逐条结果。"
                "本报告最多列出 " + std::to_string(m_limits.sections) + " 节。",
                "One section per non-PASS site: its map (working CRS, scale bar in metres) and its "
                "findings. This report shows at most " + std::to_string(m_limits.sections) +
                    " sections.")
          << "</p>\n";
    if (m_section_skipped)
        m_out << "<p class=\"warn\">"
              << tr(lang,
                    "未通过的项目超过上限 " + std::to_string(m_limits.sections) + "：另有 " +
                        std::to_string(m_section_skipped) +
                        " 个项目未列详情，见 GeoPackage 的 findings 图层或 JSON 输出。",
                    "More non-PASS sites than the limit of " + std::to_string(m_limits.sections) +
                        ": " + std::to_string(m_section_skipped) +
                        " more are not detailed here (see the findings layer or the JSON output).")
              << "</p>\n";
    if (m_section_count == 0)
        m_out << "<p>" << tr(lang, "全部项目通过，无需列出详情。", "Every site passes: no details.")
              << "</p>\n";
    m_out << "</section>\n" << m_sections;
    m_out << "<footer class=\"note\"><p>"
          << html_escape(tr(lang, "由 redline " REDLINE_VERSION " 生成；规则库 SHA-256 ",
                            "Generated by redline " REDLINE_VERSION "; rulebook SHA-256 ") +
                         m_engine->rulebook().sha256)
          << "</p></footer>\n</body>\n</html>\n";
    m_sections.clear();
    m_out.close();
    if (!m_out)
        throw OutputError("cannot write the HTML report");
}

} // namespace redline
