// The `redline diff --report` writer (diff_report.hpp). The document is
// assembled at finish(): its summary comes first and is known only at the end.
#include "report/diff_report.hpp"

#include "report/report.hpp"

#include "redline/engine.hpp"
#include "redline/error.hpp"
#include "redline/rulebook.hpp"
#include "redline/version.hpp"
#include "redline/words.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

namespace redline {

namespace {

const char* const k_css = R"css(
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif;
  font-size: 10pt; line-height: 1.45; color: #1d1d1f; margin: 0 auto; max-width: 186mm; padding: 8mm 0; }
h1 { font-size: 17pt; margin: 0 0 2mm; } h1 small { display: block; font-size: 11pt; font-weight: normal; color: #444; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; border-bottom: 1.5px solid #333; padding-bottom: 1mm; }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; font-size: 8.5pt; }
th, td { border: 0.6px solid #bbb; padding: 1mm 1.4mm; vertical-align: top; text-align: left; }
th { background: #eef0f3; } td.n { text-align: right; white-space: nowrap; }
td.code { font-family: "DejaVu Sans Mono", monospace; word-break: break-all; }
td.id { font-family: "DejaVu Sans Mono", monospace; white-space: nowrap; }
.d-stricter { color: #d7191c; } .d-looser { color: #1a9850; } .d-same { color: #b07800; }
.note { background: #eef5ff; border-left: 3px solid #4a7fb5; padding: 1.5mm 2.5mm; }
.clause { color: #444; font-size: 8.5pt; }
)css";

/// One changed record as the report shows it.
struct Row {
    RecordChange change;
    std::string name;
};

std::string esc(const std::string& s)
{
    return s.empty() ? "—" : html_escape(s);
}

std::string direction_word(Direction d, Lang lang)
{
    switch (d) {
    case Direction::Stricter:
        return tr(lang, "趋严", "stricter");
    case Direction::Looser:
        return tr(lang, "放宽", "looser");
    case Direction::Same:
        break;
    }
    return tr(lang, "结论不变、依据变化", "same verdict, findings changed");
}

std::string verdict_cell(Outcome o, Lang lang)
{
    return html_escape(lang == Lang::Zh ? verdict_word(o, lang) + " " + std::string(outcome_name(o))
                                        : std::string(outcome_name(o)));
}

class DiffReportWriter final : public ResultSink {
public:
    DiffReportWriter(std::string path, const DiffOptions& options, const Engine& old_engine,
                     const LayerChanges& layers, std::size_t max_rows)
        : m_path(std::move(path)), m_options(options), m_old(old_engine), m_layers(layers), m_max(max_rows)
    {
    }
    void begin(const SinkContext& context) override
    {
        m_new = &context.engine;
        m_lang = context.lang;
        m_out.open(m_path, std::ios::binary);
        if (!m_out)
            throw OutputError("cannot create '" + m_path + "'");
    }
    void write(const SiteResult&, const Application&) override
    {
        throw OutputError("the diff report needs each record screened under both rulebooks");
    }
    void write_compared(const SiteResult& o, const SiteResult& n, const Application& app) override;
    void finish(const RunSummary& summary) override;
    void abandon() noexcept override { m_out.close(); }

private:
    std::string head() const;
    std::string counts_html() const;
    std::string layers_html() const;
    std::string direction_html(Direction d) const;
    std::string errors_html() const;
    void note_clauses(const SiteResult& r);

    std::string m_path;
    DiffOptions m_options;
    const Engine& m_old;
    const LayerChanges& m_layers;
    std::size_t m_max;
    const Engine* m_new = nullptr;
    Lang m_lang = Lang::Zh;
    std::ofstream m_out;
    DiffCounts m_counts;
    std::vector<Row> m_rows;
    std::size_t m_skipped = 0;
    std::vector<std::string> m_rule_order;
    std::map<std::string, std::string> m_clause; ///< rule id -> clause (new rulebook's first)
    std::string m_errors; ///< <tr> rows
    std::size_t m_error_rows = 0;
};

void DiffReportWriter::note_clauses(const SiteResult& r)
{
    for (const Finding& f : r.findings)
        if (!m_clause.count(f.rule_id))
            m_clause[f.rule_id] = f.clause;
}

void DiffReportWriter::write_compared(const SiteResult& o, const SiteResult& n, const Application& app)
{
    std::optional<RecordChange> c = compare_results(o, n);
    m_counts.add(o, n, c ? &*c : nullptr);
    if (o.verdict == Outcome::Error || n.verdict == Outcome::Error) {
        if (m_error_rows++ < m_max)
            m_errors += "<tr><td class=\"id\">" + esc(n.site_id) + "</td><td>" + esc(app.name) + "</td><td>" +
                        verdict_cell(o.verdict, m_lang) + "</td><td>" + verdict_cell(n.verdict, m_lang) +
                        "</td><td>" + esc(o.error) + "</td><td>" + esc(n.error) + "</td></tr>\n";
    }
    if (!c)
        return;
    note_clauses(n);
    note_clauses(o);
    for (const std::string& rule : c->rules())
        if (std::find(m_rule_order.begin(), m_rule_order.end(), rule) == m_rule_order.end())
            m_rule_order.push_back(rule);
    if (m_rows.size() >= m_max) {
        ++m_skipped;
        return;
    }
    m_rows.push_back({std::move(*c), app.name});
}

std::string DiffReportWriter::head() const
{
    const Lang lang = m_lang;
    const std::string title = tr(lang, "分区管控调整影响报告", "Change impact of a zoning update");
    const Rulebook& ob = m_old.rulebook();
    const Rulebook& nb = m_new->rulebook();
    std::string s = "<!DOCTYPE html>\n<html lang=\"" + tr(lang, "zh-CN", "en") +
                    "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"generator\" content=\"redline " REDLINE_VERSION
                    "\">\n<title>" + html_escape(title + " · " + nb.name) + "</title>\n<style>" + k_css +
                    "</style>\n</head>\n<body>\n<h1>" + html_escape(title) + "<small>" + html_escape(ob.name) +
                    " → " + html_escape(nb.name) + "</small></h1>\n<table>";
    auto row = [&](const std::string& th, const std::string& value) {
        s += "<tr><th>" + th + "</th><td>" + esc(value) + "</td></tr>";
    };
    row(tr(lang, "原规则库", "old rulebook"), ob.name + " (" + ob.version + ") " + ob.path);
    row(tr(lang, "新规则库", "new rulebook"), nb.name + " (" + nb.version + ") " + nb.path);
    row(tr(lang, "原规则库 SHA-256", "old rulebook SHA-256"), ob.sha256);
    row(tr(lang, "新规则库 SHA-256", "new rulebook SHA-256"), nb.sha256);
    row(tr(lang, "筛查对象", "records screened"),
        m_options.layer_input.empty() ? tr(lang, "申请文件", "applications file")
                                      : tr(lang, "新规则库图层 ", "layer of the new rulebook: ") + m_options.layer_input);
    s += "</table>\n";
    if (!m_options.layer_input.empty())
        s += "<p class=\"note\">" + html_escape(existing_enterprises_note(lang)) + "</p>\n";
    return s;
}

std::string DiffReportWriter::counts_html() const
{
    const Lang lang = m_lang;
    std::string s = "<h2>" + tr(lang, "一、变化概况", "1. Summary") + "</h2>\n<table><tr>";
    const std::vector<std::pair<std::string, std::size_t>> cells = {
        {tr(lang, "记录数", "records"), m_counts.records},
        {tr(lang, "无变化", "unchanged"), m_counts.unchanged},
        {tr(lang, "趋严", "stricter"), m_counts.stricter},
        {tr(lang, "放宽", "looser"), m_counts.looser},
        {tr(lang, "结论不变、依据变化", "same verdict, findings changed"), m_counts.same},
        {tr(lang, "任一规则库下为错误记录", "ERROR under either rulebook"), m_counts.errors}};
    for (const auto& [label, n] : cells)
        s += "<th>" + html_escape(label) + "</th>";
    s += "</tr><tr>";
    for (const auto& [label, n] : cells)
        s += "<td class=\"n\">" + std::to_string(n) + "</td>";
    s += "</tr></table>\n";
    if (m_skipped)
        s += "<p>" + html_escape(tr(lang, "另有 " + std::to_string(m_skipped) + " 条变化记录未列出（见 GeoPackage 的 changes 图层）。",
                                    std::to_string(m_skipped) + " more changed records are not listed (see the "
                                                                "changes layer of the GeoPackage).")) + "</p>\n";
    return s;
}

std::string DiffReportWriter::layers_html() const
{
    const Lang lang = m_lang;
    std::string s = "<h2>" + tr(lang, "二、图层范围变化", "2. Layers: area added and removed") + "</h2>\n";
    std::map<std::string, std::pair<double, double>> by_layer; // added, removed (m²)
    for (const AreaChange& a : m_layers.areas)
        (a.added ? by_layer[a.layer].first : by_layer[a.layer].second) += a.area_m2;
    s += "<table><tr><th>" + tr(lang, "图层", "layer") + "</th><th>" + tr(lang, "新增（公顷）", "added (ha)") +
         "</th><th>" + tr(lang, "调出（公顷）", "removed (ha)") + "</th></tr>";
    for (const std::string& name : m_layers.compared) {
        const auto it = by_layer.find(name);
        const double add = it == by_layer.end() ? 0 : it->second.first;
        const double rem = it == by_layer.end() ? 0 : it->second.second;
        s += "<tr><td>" + html_escape(name) + "</td><td class=\"n\">" + format_number(add / 1e4, 2) +
             "</td><td class=\"n\">" + format_number(rem / 1e4, 2) + "</td></tr>";
    }
    s += "</table>\n";
    if (!m_layers.layers_added.empty())
        s += "<p>" + html_escape(tr(lang, "新增图层：", "layers added: ") + join(m_layers.layers_added, ", ")) + "</p>\n";
    if (!m_layers.layers_removed.empty())
        s += "<p>" + html_escape(tr(lang, "删除图层：", "layers removed: ") + join(m_layers.layers_removed, ", ")) + "</p>\n";
    return s;
}

std::string DiffReportWriter::direction_html(Direction d) const
{
    const Lang lang = m_lang;
    std::string s = "<h3 class=\"d-" + std::string(direction_name(d)) + "\">" + html_escape(direction_word(d, lang)) + "</h3>\n";
    bool any = false;
    for (const std::string& rule : m_rule_order) {
        std::string rows;
        for (const Row& r : m_rows) {
            const RecordChange& c = r.change;
            const auto rules = c.rules();
            if (c.direction != d || std::find(rules.begin(), rules.end(), rule) == rules.end())
                continue;
            std::vector<std::string> what;
            for (const auto& k : c.added)
                if (k.rfind(rule + ":", 0) == 0)
                    what.push_back("+ " + k);
            for (const auto& k : c.removed)
                if (k.rfind(rule + ":", 0) == 0)
                    what.push_back("− " + k);
            for (const auto& k : c.changed)
                if (k.key.rfind(rule + ":", 0) == 0)
                    what.push_back(k.text());
            rows += "<tr><td class=\"id\">" + esc(c.site_id) + "</td><td>" + esc(r.name) + "</td><td>" +
                    verdict_cell(c.old_verdict, lang) + " → " + verdict_cell(c.new_verdict, lang) +
                    "</td><td class=\"code\">" + html_escape(join(what, "; ")) + "</td></tr>\n";
        }
        if (rows.empty())
            continue;
        any = true;
        const auto clause = m_clause.find(rule);
        s += "<p><b>" + html_escape(rule) + "</b> <span class=\"clause\">" +
             (clause == m_clause.end() ? std::string() : html_escape(clause->second)) + "</span></p>\n<table><tr><th>" +
             tr(lang, "编号", "id") + "</th><th>" + tr(lang, "名称", "name") + "</th><th>" +
             tr(lang, "结论（原 → 新）", "verdict (old → new)") + "</th><th>" +
             tr(lang, "发现变化（+ 新增，− 取消）", "findings (+ added, − removed)") + "</th></tr>\n" + rows + "</table>\n";
    }
    if (!any)
        s += "<p>" + tr(lang, "无。", "None.") + "</p>\n";
    return s;
}

std::string DiffReportWriter::errors_html() const
{
    const Lang lang = m_lang;
    std::string s = "<h2>" + tr(lang, "四、错误记录", "4. Records in ERROR") + "</h2>\n";
    if (m_error_rows == 0)
        return s + "<p>" + tr(lang, "无。", "None.") + "</p>\n";
    return s + "<table><tr><th>" + tr(lang, "编号", "id") + "</th><th>" + tr(lang, "名称", "name") + "</th><th>" +
           tr(lang, "原结论", "old verdict") + "</th><th>" + tr(lang, "新结论", "new verdict") + "</th><th>" +
           tr(lang, "原错误", "old error") + "</th><th>" + tr(lang, "新错误", "new error") + "</th></tr>\n" + m_errors +
           "</table>\n";
}

void DiffReportWriter::finish(const RunSummary&)
{
    m_out << head() << counts_html() << layers_html() << "<h2>"
          << tr(m_lang, "三、结论或依据变化的记录（按方向、按规则）", "3. Changed records, by direction and rule")
          << "</h2>\n";
    for (Direction d : {Direction::Stricter, Direction::Looser, Direction::Same})
        m_out << direction_html(d);
    m_out << errors_html() << "</body>\n</html>\n";
    m_out.close();
    if (!m_out)
        throw OutputError("cannot write the report");
}

} // namespace

std::unique_ptr<ResultSink> make_diff_report_writer(const std::string& path, const DiffOptions& options,
                                                    const Engine& old_engine, const LayerChanges& layers,
                                                    std::size_t max_rows)
{
    return std::make_unique<DiffReportWriter>(path, options, old_engine, layers, max_rows);
}

} // namespace redline
