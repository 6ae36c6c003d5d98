// The `--report FILE.html` writer: one self-contained HTML file (inline CSS
// and SVG, no network) that a bureau can print on A4 and file. It is fed the
// same per-site stream as the other outputs and keeps only what the report
// shows: counts, one table row per site (up to a limit) and one rendered
// section per non-PASS site (up to a limit), so memory is bounded whatever
// the size of the batch.
#pragma once

#include "redline/application.hpp"
#include "redline/engine.hpp"
#include "redline/finding.hpp"
#include "redline/output.hpp"

#include <cstddef>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace redline {

struct ReportLimits {
    /// Sections (map + findings) for at most this many non-PASS sites, in input order.
    std::size_t sections = 500;
    /// The sites table lists every site up to this many records; after that,
    /// only non-PASS sites ...
    std::size_t table_all = 20000;
    /// ... and never more than this many rows in all.
    std::size_t table_rows = 50000;
};

/// `s` with &, <, >, " and ' escaped for HTML text and attribute values.
std::string html_escape(std::string_view s);
/// What a finding's `measure` is, in words ("距离" / "distance"); unknown names as given.
std::string measure_word(const std::string& measure, Lang lang);
/// A measured value with its unit ("748.76 m", "5386.21 m²"); "—" for NaN.
std::string format_amount(double value, const std::string& unit);

/// Draws a site's map as inline SVG in the working CRS: the constraint
/// features its findings name, the evidence, the site, a scale bar in metres
/// and a north arrow. Caches a key -> features index per layer, so one
/// SiteMap serves a whole batch; not thread-safe.
class SiteMap {
public:
    explicit SiteMap(const Engine& engine) : m_engine(engine) {}
    /// The `<svg>` element, or "" when the site has no geometry (ERROR).
    std::string svg(const SiteResult& r);

private:
    const std::vector<std::size_t>& features_by_key(const Layer& layer, const std::string& key);
    const Engine& m_engine;
    std::map<const Layer*, std::unordered_map<std::string, std::vector<std::size_t>>> m_keys;
};

class ReportWriter {
public:
    /// Creates `path` (the temporary name OutputSet renames); throws OutputError.
    ReportWriter(const Engine& engine, const std::string& path, ReportLimits limits = {});
    ~ReportWriter();
    void write(const SiteResult& r, const Application& app);
    /// Writes the whole document and closes it; throws OutputError.
    void finish(const ZoneSummary& summary, const RunInfo& info);

private:
    struct RuleCount {
        std::string check_type;
        std::string clause;
        std::map<Outcome, std::size_t> sites; ///< by the rule's most severe outcome at a site
        std::size_t findings = 0;
    };
    std::string head(const RunInfo& info) const;
    std::string summary_html(const ZoneSummary& summary, const RunInfo& info) const;
    std::string section(const SiteResult& r, const Application& app);

    const Engine& m_engine;
    Lang m_lang;
    ReportLimits m_limits;
    std::ofstream m_out;
    SiteMap m_map;
    std::size_t m_sites = 0;
    std::map<Outcome, std::size_t> m_by_verdict;
    std::size_t m_no_township = 0;
    std::map<Outcome, std::size_t> m_no_township_by_verdict;
    std::map<std::string, RuleCount> m_by_rule;
    std::vector<std::string> m_rule_order; ///< rule ids in order of first appearance
    std::string m_table;    ///< <tr> rows of the sites table
    std::size_t m_table_count = 0;
    std::size_t m_table_skipped = 0;
    std::string m_sections; ///< rendered site sections
    std::size_t m_section_count = 0;
    std::size_t m_section_skipped = 0; ///< non-PASS sites beyond the section limit
};

} // namespace redline
