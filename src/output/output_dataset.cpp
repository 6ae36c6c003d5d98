#include "output/output_dataset.hpp"

#include "redline/error.hpp"
#include "util/text.hpp"

#include <cpl_conv.h>

namespace redline {

namespace {

/// The first value of a one-row, one-column query ("" when no row).
std::string query_value(GDALDataset& ds, const std::string& sql)
{
    gdal::ErrorCapture capture;
    OGRLayer* result = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    std::string value;
    if (result) {
        gdal::FeaturePtr f(result->GetNextFeature());
        if (f && f->GetFieldCount() > 0 && f->IsFieldSetAndNotNull(0))
            value = f->GetFieldAsString(0);
        f.reset();
        ds.ReleaseResultSet(result);
    }
    if (capture.has_failure())
        throw OutputError("cannot query the output (" + sql + "): " + capture.failures());
    return value;
}

std::string option_name(const std::string& name_value)
{
    return name_value.substr(0, name_value.find('='));
}

GDALDataset* open_database(const std::string& path)
{
    const char* drivers[] = {"PostgreSQL", nullptr};
    return GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, nullptr, nullptr);
}

GDALDataset* create_file(const std::string& path, const std::string& format, const std::string& copy_from)
{
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(format.c_str());
    if (!driver || !driver->GetMetadataItem(GDAL_DCAP_VECTOR) || !driver->GetMetadataItem(GDAL_DCAP_CREATE))
        throw OutputError("'" + format + "' is not a GDAL vector format that can be written");
    if (copy_from.empty()) {
        // A new GeoPackage gets 64 KiB pages (GDAL's and SQLite's default is
        // 4 KiB): a province's result is ~1 GB, and 16 times fewer pages to
        // fill, spill and write cost ~10 % less to write. QGIS and GDAL read
        // any page size; SQLite's R-tree nodes keep at most 51 entries
        // whatever the page size. A user's OGR_SQLITE_PRAGMA wins.
        const bool gpkg = EQUAL(format.c_str(), "GPKG");
        CPLConfigOptionSetter pages("OGR_SQLITE_PRAGMA", gpkg ? "page_size=65536" : nullptr, true);
        return driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    }
    gdal::ErrorCapture capture;
    if (CPLCopyFile(path.c_str(), copy_from.c_str()) != 0) // VSI paths too
        throw OutputError("cannot copy '" + copy_from + "' to add to it: " + capture.failures());
    const char* drivers[] = {format.c_str(), nullptr};
    return GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, nullptr, nullptr);
}

} // namespace

std::string sql_identifier(const std::string& s)
{
    std::string out = "\"";
    for (char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string sql_text(const std::string& s)
{
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

OutputDataset::OutputDataset(const std::string& path, const std::string& format, const OutputOptions& options,
                             const OGRSpatialReference& working, Lang lang, const std::string& copy_from)
    : m_path(path), m_format(format), m_options(options), m_lang(lang), m_srs(working)
{
    gdal::initialise();
    if (!options.t_srs.empty()) {
        try {
            m_srs = gdal::srs_from_user(options.t_srs, "--t_srs");
        } catch (const Error& e) {
            throw UsageError(e.what());
        }
        if (!m_srs.IsSame(&working))
            m_to_output = gdal::make_transform(working, m_srs);
    }
    m_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    m_database = is_database_output(path);
    gdal::ErrorCapture capture;
    m_ds.reset(m_database ? open_database(path) : create_file(path, format, copy_from));
    if (!m_ds)
        throw OutputError("cannot " + std::string(m_database ? "connect to" : "create") + " '" +
                          (m_database ? std::string("the database") : path) + "': " + capture.failures());
    m_gpkg = EQUAL(m_ds->GetDriver()->GetDescription(), "GPKG");
    if (!m_database)
        return;
    m_schema = query_value(*m_ds, "SELECT current_schema()");
    for (const std::string& o : m_options.layer_options)
        if (EQUAL(option_name(o).c_str(), "SCHEMA"))
            m_schema = o.substr(o.find('=') + 1);
    if (m_ds->StartTransaction(FALSE) != OGRERR_NONE)
        throw OutputError("cannot begin a transaction in the database: " + capture.failures());
    m_in_transaction = true;
}

OutputDataset::~OutputDataset()
{
    rollback();
    m_ds.reset();
}

std::string OutputDataset::name(const std::string& base) const
{
    const std::string n = m_options.layer_prefix + base;
    return m_database ? to_lower_ascii(n) : n;
}

std::string OutputDataset::quoted(const std::string& layer) const
{
    return "'" + (m_database ? m_schema + "." : std::string()) + layer + "'";
}

CPLStringList OutputDataset::default_options() const
{
    CPLStringList out;
    if (m_database) {
        out.SetNameValue("GEOMETRY_NAME", "geom");
        out.SetNameValue("FID", "fid");
    }
    return out;
}

bool OutputDataset::user_option(const char* name) const
{
    for (const std::string& o : m_options.layer_options)
        if (EQUAL(option_name(o).c_str(), name))
            return true;
    return false;
}

bool OutputDataset::exists(const std::string& layer)
{
    if (m_database)
        return !query_value(*m_ds, "SELECT table_type FROM information_schema.tables WHERE table_schema = " +
                                       sql_text(m_schema) + " AND table_name = " + sql_text(layer))
                    .empty();
    if (m_gpkg)
        return !query_value(*m_ds, "SELECT type FROM sqlite_master WHERE lower(name) = lower(" +
                                       sql_text(layer) + ")")
                    .empty();
    return m_ds->GetLayerByName(layer.c_str()) != nullptr;
}

void OutputDataset::drop(const std::string& layer)
{
    if (m_database) {
        const std::string type = query_value(
            *m_ds, "SELECT table_type FROM information_schema.tables WHERE table_schema = " + sql_text(m_schema) +
                       " AND table_name = " + sql_text(layer));
        execute(std::string(type == "VIEW" ? "DROP VIEW " : "DROP TABLE ") + sql_identifier(m_schema) + "." +
                    sql_identifier(layer) + " CASCADE",
                "drop " + quoted(layer));
        return;
    }
    if (m_gpkg &&
        query_value(*m_ds, "SELECT type FROM sqlite_master WHERE lower(name) = lower(" + sql_text(layer) + ")") ==
            "view") {
        // A kind view (styles.hpp): GDAL deletes tables only.
        execute("DROP VIEW " + sql_identifier(layer), "drop " + quoted(layer));
        for (const char* table : {"gpkg_geometry_columns", "gpkg_contents"})
            execute(std::string("DELETE FROM ") + table + " WHERE lower(table_name) = lower(" + sql_text(layer) +
                        ")",
                    "drop " + quoted(layer));
        return;
    }
    for (int i = 0; i < m_ds->GetLayerCount(); ++i)
        if (EQUAL(m_ds->GetLayer(i)->GetName(), layer.c_str())) {
            gdal::ErrorCapture capture;
            if (m_ds->DeleteLayer(i) != OGRERR_NONE)
                throw OutputError("cannot replace " + quoted(layer) + ": " + capture.failures());
            return;
        }
}

void OutputDataset::claim(const std::vector<std::string>& bases)
{
    std::vector<std::string> taken;
    for (const std::string& b : bases)
        if (exists(name(b)))
            taken.push_back(name(b));
    if (taken.empty())
        return;
    if (!m_options.overwrite) {
        std::vector<std::string> shown;
        for (const std::string& t : taken)
            shown.push_back(quoted(t));
        throw OutputError(tr(m_lang, "输出中已有同名图层/表 " + join(shown, "、") +
                                         "：未写入任何内容；加 --overwrite 替换，或用 --layer-prefix 另起名称",
                             "the output already has " + join(shown, ", ") +
                                 ": nothing was written; --overwrite replaces them, --layer-prefix writes "
                                 "beside them"));
    }
    for (const std::string& t : taken)
        drop(t);
}

OGRLayer* OutputDataset::create_layer(const std::string& base, OGRwkbGeometryType type,
                                      const CPLStringList& defaults)
{
    const std::string layer_name = name(base);
    CPLStringList options;
    for (const std::string& o : m_options.layer_options)
        options.AddString(o.c_str());
    for (int i = 0; i < defaults.Count(); ++i) {
        const std::string d = defaults[i];
        if (!user_option(option_name(d).c_str()))
            options.AddString(d.c_str());
    }
    gdal::ErrorCapture capture;
    OGRSpatialReference* copy = type == wkbNone ? nullptr : m_srs.Clone();
    OGRLayer* layer = m_ds->CreateLayer(layer_name.c_str(), copy, type, options.List());
    if (copy)
        copy->Release();
    if (!layer)
        throw OutputError("cannot create layer " + quoted(layer_name) + ": " + capture.failures());
    return layer;
}

bool OutputDataset::to_output(OGRGeometry& g) const
{
    return !m_to_output || g.transform(m_to_output.get()) == OGRERR_NONE;
}

void OutputDataset::execute(const std::string& sql, const std::string& what)
{
    gdal::ErrorCapture capture;
    OGRLayer* result = m_ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (result)
        m_ds->ReleaseResultSet(result);
    if (capture.has_failure())
        throw OutputError("cannot " + what + ": " + capture.failures());
}

void OutputDataset::begin_transaction()
{
    if (!m_in_transaction)
        m_in_transaction = m_ds->StartTransaction(FALSE) == OGRERR_NONE;
}

void OutputDataset::commit()
{
    if (!m_in_transaction)
        return;
    gdal::ErrorCapture capture;
    m_in_transaction = false;
    if (m_ds->CommitTransaction() != OGRERR_NONE || capture.has_failure())
        throw OutputError("cannot commit the output: " + capture.failures());
}

void OutputDataset::rollback() noexcept
{
    if (!m_in_transaction || !m_ds)
        return;
    m_in_transaction = false;
    gdal::ErrorCapture capture;
    m_ds->RollbackTransaction();
}

void OutputDataset::close()
{
    rollback(); // a no-op after commit()
    if (!m_ds)
        return;
    gdal::ErrorCapture capture;
    m_ds->FlushCache(true);
    m_ds.reset(); // GDAL 3.6 has no Close() that reports: errors arrive through the capture
    if (capture.has_failure())
        throw OutputError("cannot close the output: " + capture.failures());
}

void OutputDataset::reopen()
{
    // As GDAL's Create() left the file: no fsync at each commit (the file is
    // a temporary one until write_into_place() renames it). Opened with
    // SQLite's default, the next commit would wait for the disk to take the
    // whole file. A user's OGR_SQLITE_SYNCHRONOUS wins.
    CPLConfigOptionSetter synchronous("OGR_SQLITE_SYNCHRONOUS", "OFF", true);
    gdal::ErrorCapture capture;
    const char* drivers[] = {m_format.c_str(), nullptr};
    m_ds.reset(GDALDataset::Open(m_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, nullptr, nullptr));
    if (!m_ds)
        throw OutputError("cannot open '" + m_path + "' again: " + capture.failures());
}

} // namespace redline
