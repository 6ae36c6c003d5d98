#include "output/writers.hpp"

#include "output/eia_fields.hpp"
#include "redline/error.hpp"
#include "util/text.hpp"

namespace redline {

namespace {
std::string quote(const std::string& s)
{
    if (s.find_first_of(",\"\r\n") == std::string::npos)
        return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}
} // namespace

void CsvResultWriter::begin(const SinkContext& context)
{
    const SourceInfo& options = context.source;
    m_out.open(m_path, std::ios::binary);
    if (!m_out)
        throw OutputError("cannot create '" + m_path + "'");
    // A BOM so that Excel (the planners' other tool) reads the Chinese right.
    m_out << "\xEF\xBB\xBF";
    std::vector<std::string> header;
    for (const auto& n : options.field_names)
        header.push_back(quote(n));
    for (const auto& n : site_result_fields())
        header.push_back(n);
    m_eia = eia_fields::enabled(context.engine);
    if (m_eia) {
        header.push_back("eia_category");
        header.push_back("eia_item");
    }
    m_out << join(header, ",") << "\r\n";
}

void CsvResultWriter::write(const SiteResult& r, const Application& app)
{
    std::vector<std::string> cells;
    for (const auto& [k, v] : app.attributes)
        cells.push_back(quote(v.value_or("")));
    cells.push_back(quote(r.site_id));
    cells.emplace_back(outcome_name(r.verdict));
    cells.push_back(std::to_string(r.count(Outcome::Fail)));
    cells.push_back(std::to_string(r.count(Outcome::Conditional)));
    cells.push_back(std::to_string(r.count(Outcome::Incomplete)));
    cells.push_back(quote(join(r.rule_ids(), ",")));
    cells.push_back(quote(join(r.townships, ";")));
    cells.push_back(quote(join(r.units, ";")));
    cells.push_back(quote(r.industry));
    cells.push_back(quote(r.message));
    if (m_eia) {
        cells.push_back(eia_fields::category(r));
        const int item = eia_fields::item(r);
        cells.push_back(item ? std::to_string(item) : std::string());
    }
    m_out << join(cells, ",") << "\r\n";
}

void CsvResultWriter::finish(const RunSummary&)
{
    m_out.close();
    if (!m_out)
        throw OutputError("cannot write the CSV output");
}

} // namespace redline
