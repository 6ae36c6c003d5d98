#include "io/gpkg_input.hpp"

#include "geometry/wkb_walk.hpp"
#include "output/output_dataset.hpp"
#include "redline/error.hpp"
#include "util/text.hpp"

#include <sqlite3.h>

#include <bit>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string_view>

namespace redline::gpkg {

namespace {

std::string sqlite_message(sqlite3* db)
{
    return db ? sqlite3_errmsg(db) : "out of memory";
}

StmtPtr prepare(sqlite3* db, const std::string& sql, const std::string& path)
{
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr);
    StmtPtr stmt(raw);
    if (rc != SQLITE_OK)
        throw LayerError("applications: cannot read " + path + ": " + sqlite_message(db));
    return stmt;
}

/// True when `table` is an ordinary rowid table whose integer primary key
/// (the rowid) is `fid`: GDAL's unordered scan is then fid order.
bool fid_is_rowid(sqlite3* db, const std::string& table, const std::string& fid, const std::string& path)
{
    StmtPtr master = prepare(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = " +
                                     sql_text(table), path);
    if (sqlite3_step(master.get()) != SQLITE_ROW)
        return false; // a view, or not there
    const auto* sql = reinterpret_cast<const char*>(sqlite3_column_text(master.get(), 0));
    // WITHOUT ROWID has no rowid order; an INTEGER PRIMARY KEY DESC is no
    // rowid alias (an index of its own, in another order).
    const std::string create = sql ? to_lower_ascii(sql) : std::string();
    if (create.empty() || create.find("without rowid") != std::string::npos ||
        create.find("primary key desc") != std::string::npos)
        return false;
    StmtPtr info = prepare(db, "PRAGMA table_info(" + sql_identifier(table) + ")", path);
    int keys = 0;
    bool fid_key = false;
    while (sqlite3_step(info.get()) == SQLITE_ROW) {
        const auto* name = reinterpret_cast<const char*>(sqlite3_column_text(info.get(), 1));
        const auto* type = reinterpret_cast<const char*>(sqlite3_column_text(info.get(), 2));
        if (sqlite3_column_int(info.get(), 5) == 0)
            continue;
        ++keys;
        fid_key = name && type && name == fid && to_lower_ascii(type) == "integer";
    }
    return keys == 1 && fid_key;
}

/// "%.15g": C++17 specifies to_chars with a precision as printf's %g.
std::string real_text(double v)
{
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 15);
    return std::string(buf, r.ptr);
}

template <typename Int>
std::string integer_text(Int v)
{
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

} // namespace

std::unique_ptr<TableReader> TableReader::open(GDALDataset& ds, OGRLayer& layer)
{
    if (const char* env = std::getenv("REDLINE_GPKG_READ"); env && std::string_view(env) == "ogr")
        return nullptr;
    if constexpr (std::endian::native != std::endian::little)
        return nullptr; // the blobs' WKB is compared in place as little-endian
    const std::string path = ds.GetDescription();
    std::error_code ec;
    if (!ds.GetDriver() || std::string_view(ds.GetDriver()->GetDescription()) != "GPKG" ||
        path.rfind("/vsi", 0) == 0 || !std::filesystem::is_regular_file(path, ec))
        return nullptr;
    OGRFeatureDefn& defn = *layer.GetLayerDefn();
    const std::string fid = layer.GetFIDColumn();
    if (defn.GetGeomFieldCount() != 1 || fid.empty())
        return nullptr;
    std::vector<Kind> kinds;
    std::string columns = sql_identifier(fid) + ", " + sql_identifier(defn.GetGeomFieldDefn(0)->GetNameRef());
    for (int i = 0; i < defn.GetFieldCount(); ++i) {
        const OGRFieldDefn& f = *defn.GetFieldDefn(i);
        const OGRFieldSubType sub = f.GetSubType();
        if (f.GetType() == OFTString)
            kinds.push_back(Kind::Text);
        else if (f.GetType() == OFTInteger && (sub == OFSTNone || sub == OFSTBoolean || sub == OFSTInt16))
            kinds.push_back(Kind::Integer);
        else if (f.GetType() == OFTInteger64 && sub == OFSTNone)
            kinds.push_back(Kind::Integer64);
        else if (f.GetType() == OFTReal)
            kinds.push_back(sub == OFSTNone && f.GetWidth() == 0 ? Kind::Real : Kind::RealByGdal);
        else
            return nullptr; // Date, DateTime, Binary: left to GDAL
        columns += ", " + sql_identifier(f.GetNameRef());
    }
    // No mutex: the connection is used by one thread at a time (the
    // pipeline's read-ahead thread), and SQLite's would be taken at every
    // sqlite3_column_* call.
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    DbPtr db(raw);
    try {
        if (rc != SQLITE_OK)
            throw LayerError("applications: cannot open " + path + " with SQLite: " + sqlite_message(db.get()));
        const std::string table = layer.GetName();
        if (!fid_is_rowid(db.get(), table, fid, path))
            return nullptr;
        StmtPtr stmt = prepare(db.get(), "SELECT " + columns + " FROM " + sql_identifier(table) +
                                             " ORDER BY " + sql_identifier(fid), path);
        return std::unique_ptr<TableReader>(
            new TableReader(std::move(db), std::move(stmt), std::move(kinds), defn));
    } catch (const LayerError&) {
        return nullptr; // GDAL has read the file: it reads the rows too
    }
}

TableReader::TableReader(DbPtr db, StmtPtr stmt, std::vector<Kind> kinds, OGRFeatureDefn& defn)
    : m_db(std::move(db)), m_stmt(std::move(stmt)), m_kinds(std::move(kinds)),
      m_scratch(new OGRFeature(&defn), [](OGRFeature* f) { OGRFeature::DestroyFeature(f); })
{
}

TableReader::~TableReader() = default;

bool TableReader::next()
{
    if (m_done)
        return false; // stepping a finished statement would start it again
    const int rc = sqlite3_step(m_stmt.get());
    if (rc == SQLITE_ROW)
        return true;
    m_done = true;
    if (rc == SQLITE_DONE)
        return false;
    throw LayerError(std::string("applications: SQLite cannot read ") + sqlite3_db_filename(m_db.get(), "main") +
                     ": " + sqlite_message(m_db.get()));
}

std::int64_t TableReader::fid() const
{
    return sqlite3_column_int64(m_stmt.get(), 0);
}

TableReader::Geometry TableReader::geometry(std::vector<unsigned char>& wkb) const
{
    sqlite3_stmt* s = m_stmt.get();
    const int type = sqlite3_column_type(s, 1);
    if (type == SQLITE_NULL)
        return Geometry::Null;
    if (type != SQLITE_BLOB)
        return Geometry::AskGdal;
    const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(s, 1));
    const auto n = static_cast<std::size_t>(sqlite3_column_bytes(s, 1));
    // "GP", version 0, flags (bit 0 byte order of the header, bits 1-3 the
    // envelope, bit 4 empty, bit 5 an extension type), srs_id, envelope.
    if (!p || n < 8 || p[0] != 'G' || p[1] != 'P' || p[2] != 0 || (p[3] & 0x30) != 0)
        return Geometry::AskGdal;
    static constexpr std::size_t envelope_doubles[] = {0, 4, 6, 6, 8};
    const unsigned envelope = (p[3] >> 1) & 7u;
    if (envelope > 4)
        return Geometry::AskGdal;
    const std::size_t header = 8 + 8 * envelope_doubles[envelope];
    if (n < header)
        return Geometry::AskGdal;
    WkbWalk walk(p + header, n - header);
    std::uint32_t wkb_type = 0;
    if (!walk.geometry(0, 0, wkb_type) || !walk.done())
        return Geometry::AskGdal;
    wkb.assign(p + header, p + n);
    return Geometry::Wkb;
}

std::string TableReader::real_by_gdal(int field, double v)
{
    m_scratch->SetField(field, v);
    return m_scratch->GetFieldAsString(field);
}

void TableReader::attributes(const std::vector<std::string>& names, Attributes& out)
{
    sqlite3_stmt* s = m_stmt.get();
    for (std::size_t i = 0; i < m_kinds.size(); ++i) {
        const int col = static_cast<int>(i) + 2;
        if (sqlite3_column_type(s, col) == SQLITE_NULL) {
            out.emplace_back(names[i], std::nullopt);
            continue;
        }
        switch (m_kinds[i]) {
        case Kind::Text: {
            const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
            out.emplace_back(names[i], std::string(t ? t : ""));
            break;
        }
        case Kind::Integer:
            out.emplace_back(names[i], integer_text(sqlite3_column_int(s, col)));
            break;
        case Kind::Integer64:
            out.emplace_back(names[i], integer_text(static_cast<long long>(sqlite3_column_int64(s, col))));
            break;
        case Kind::Real:
            out.emplace_back(names[i], real_text(sqlite3_column_double(s, col)));
            break;
        case Kind::RealByGdal:
            out.emplace_back(names[i], real_by_gdal(static_cast<int>(i), sqlite3_column_double(s, col)));
            break;
        }
    }
}

} // namespace redline::gpkg
