// `--xlsx FILE`: the sites table and its findings as an Excel workbook for
// the people who keep their lists in Excel/WPS — Chinese column titles (or
// English with --lang en) in a header row, verdicts in words, no GIS needed.
// Written through GDAL's XLSX driver (make_xlsx_sink(), sink.hpp).
#include "output/eia_fields.hpp"
#include "redline/sink.hpp"

#include "io/gdal.hpp"
#include "redline/error.hpp"
#include "redline/industry.hpp"
#include "redline/source.hpp"
#include "redline/words.hpp"
#include "util/text.hpp"

#include <cmath>
#include <set>

namespace redline {

namespace {

struct Column {
    const char* zh;
    const char* en;
    OGRFieldType type;
};

const std::vector<Column> k_site_columns{
    {"项目编号", "site_id", OFTString},     {"核查结论", "verdict", OFTString},
    {"结论代码", "verdict_code", OFTString}, {"不通过项", "fail_count", OFTInteger},
    {"有条件项", "conditional_count", OFTInteger}, {"信息不全项", "incomplete_count", OFTInteger},
    {"涉及规则", "rule_ids", OFTString},     {"所在乡镇", "township", OFTString},
    {"管控单元", "units", OFTString},        {"行业代码", "industry_code", OFTString},
    {"行业名称", "industry_name", OFTString}, {"说明", "message", OFTString},
};

const std::vector<Column> k_finding_columns{
    {"项目编号", "site_id", OFTString},   {"规则编号", "rule_id", OFTString},
    {"检查类型", "check_type", OFTString}, {"结果", "outcome", OFTString},
    {"结果代码", "outcome_code", OFTString}, {"图层", "layer", OFTString},
    {"要素编号", "feature_key", OFTString}, {"要素名称", "feature_label", OFTString},
    {"量测", "measure", OFTString},        {"数值", "value", OFTReal},
    {"阈值", "threshold", OFTReal},        {"单位", "unit", OFTString},
    {"占比（%）", "share_pct", OFTReal},   {"管控维度", "dimension", OFTString},
    {"条款", "clause", OFTString},         {"依据", "basis", OFTString},
    {"说明", "detail", OFTString},
};

OGRLayer* make_sheet(GDALDataset& ds, const std::string& name)
{
    OGRLayer* l = ds.CreateLayer(name.c_str(), nullptr, wkbNone, nullptr);
    if (!l)
        throw OutputError("cannot create the sheet '" + name + "'");
    return l;
}

void add_column(OGRLayer& l, const std::string& name, OGRFieldType type)
{
    OGRFieldDefn d(name.c_str(), type);
    if (l.CreateField(&d) != OGRERR_NONE)
        throw OutputError("cannot create the column '" + name + "'");
}

void set_real(OGRFeature& f, int i, double v)
{
    if (std::isnan(v))
        f.SetFieldNull(i);
    else
        f.SetField(i, v);
}

class XlsxWriter final : public ResultSink {
public:
    explicit XlsxWriter(std::string path) : m_path(std::move(path)) {}

    void begin(const SinkContext& c) override
    {
        m_lang = c.lang;
        gdal::ErrorCapture capture;
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("XLSX");
        if (!driver)
            throw OutputError("GDAL has no XLSX driver: --xlsx cannot be written");
        m_ds.reset(driver->Create(m_path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!m_ds)
            throw OutputError("cannot create '" + m_path + "': " + capture.failures());
        m_sites = make_sheet(*m_ds, tr(m_lang, "项目", "sites"));
        std::set<std::string> ours;
        for (const auto& col : k_site_columns)
            ours.insert(title(col));
        // The application's own columns first, as the bureau typed them.
        for (const auto& name : c.source.field_names)
            add_column(*m_sites, ours.count(name) ? name + tr(m_lang, "（申报）", " (input)") : name, OFTString);
        m_inputs = static_cast<int>(c.source.field_names.size());
        for (const auto& col : k_site_columns)
            add_column(*m_sites, title(col), col.type);
        m_eia = eia_fields::enabled(c.engine);
        if (m_eia) {
            add_column(*m_sites, tr(m_lang, "环评类别", "eia_category"), OFTString);
            add_column(*m_sites, tr(m_lang, "名录项目", "eia_item"), OFTInteger);
        }
        m_findings = make_sheet(*m_ds, tr(m_lang, "核查结果", "findings"));
        for (const auto& col : k_finding_columns)
            add_column(*m_findings, title(col), col.type);
    }

    void write(const SiteResult& r, const Application& app) override
    {
        gdal::FeaturePtr f(OGRFeature::CreateFeature(m_sites->GetLayerDefn()));
        for (int i = 0; i < m_inputs && i < static_cast<int>(app.attributes.size()); ++i)
            if (const auto& v = app.attributes[static_cast<std::size_t>(i)].second)
                f->SetField(i, v->c_str());
        int i = m_inputs;
        f->SetField(i++, r.site_id.c_str());
        f->SetField(i++, verdict_word(r.verdict, m_lang).c_str());
        f->SetField(i++, std::string(outcome_name(r.verdict)).c_str());
        f->SetField(i++, static_cast<int>(r.count(Outcome::Fail)));
        f->SetField(i++, static_cast<int>(r.count(Outcome::Conditional)));
        f->SetField(i++, static_cast<int>(r.count(Outcome::Incomplete)));
        f->SetField(i++, join(r.rule_ids(), ",").c_str());
        f->SetField(i++, join(r.townships, tr(m_lang, "、", ";")).c_str());
        f->SetField(i++, join(r.units, tr(m_lang, "、", ";")).c_str());
        f->SetField(i++, r.industry.c_str());
        const auto* entry = r.industry.empty() ? nullptr : IndustryTable::gbt4754_2017().find(r.industry);
        f->SetField(i++, entry ? entry->name.c_str() : "");
        f->SetField(i++, r.message.c_str());
        if (m_eia) {
            f->SetField(i++, eia_fields::category(r).c_str());
            if (const int item = eia_fields::item(r))
                f->SetField(i, item);
            ++i;
        }
        create(*m_sites, *f);
        for (const Finding& fd : r.findings)
            write_finding(r, fd);
    }

    void finish(const RunSummary&) override
    {
        gdal::ErrorCapture capture;
        m_ds.reset(); // the XLSX driver writes the workbook when the dataset closes
        if (capture.has_failure())
            throw OutputError("cannot write '" + m_path + "': " + capture.failures());
    }

    void abandon() noexcept override { m_ds.reset(); }

private:
    bool m_eia = false;
    std::string title(const Column& c) const { return m_lang == Lang::Zh ? c.zh : c.en; }

    void write_finding(const SiteResult& r, const Finding& fd)
    {
        gdal::FeaturePtr f(OGRFeature::CreateFeature(m_findings->GetLayerDefn()));
        int i = 0;
        f->SetField(i++, r.site_id.c_str());
        f->SetField(i++, fd.rule_id.c_str());
        f->SetField(i++, fd.check_type.c_str());
        f->SetField(i++, outcome_word(fd.outcome, m_lang).c_str());
        f->SetField(i++, std::string(outcome_name(fd.outcome)).c_str());
        f->SetField(i++, fd.layer.c_str());
        f->SetField(i++, fd.feature_key.c_str());
        f->SetField(i++, fd.feature_label.c_str());
        f->SetField(i++, measure_word(fd.measure, m_lang).c_str());
        set_real(*f, i++, fd.value);
        set_real(*f, i++, fd.threshold);
        f->SetField(i++, unit_text(fd.unit).c_str());
        set_real(*f, i++, fd.share);
        f->SetField(i++, fd.dimension.c_str());
        f->SetField(i++, fd.clause.c_str());
        f->SetField(i++, fd.basis.c_str());
        f->SetField(i++, fd.detail.c_str());
        create(*m_findings, *f);
    }

    void create(OGRLayer& l, OGRFeature& f)
    {
        if (l.CreateFeature(&f) != OGRERR_NONE)
            throw OutputError("cannot write a row of '" + m_path + "'");
    }

    std::string m_path;
    Lang m_lang = Lang::Zh;
    gdal::DatasetPtr m_ds;
    OGRLayer* m_sites = nullptr;
    OGRLayer* m_findings = nullptr;
    int m_inputs = 0;
};

} // namespace

std::unique_ptr<ResultSink> make_xlsx_sink(const std::string& path)
{
    return write_into_place(path, [](const std::string& tmp) { return std::make_unique<XlsxWriter>(tmp); });
}

} // namespace redline
