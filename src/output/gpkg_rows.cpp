#include "output/gpkg_rows.hpp"

#include "geometry/wkb_walk.hpp"
#include "io/gdal.hpp"
#include "output/output_dataset.hpp"
#include "redline/error.hpp"

#include <cpl_conv.h>
#include <sqlite3.h>

#include <bit>
#include <cmath>
#include <algorithm>
#include <cstring>

namespace redline::gpkg {

namespace {

void put_header(std::vector<unsigned char>& out, bool empty, int envelope, std::int32_t srs_id)
{
    out.push_back('G');
    out.push_back('P');
    out.push_back(0); // version 1 of the blob format
    out.push_back(static_cast<unsigned char>(1 | (empty ? 1 << 4 : 0) | (envelope << 1))); // little endian
    unsigned char id[4];
    std::memcpy(id, &srs_id, 4);
    out.insert(out.end(), id, id + 4);
}

void put_doubles(std::vector<unsigned char>& out, std::initializer_list<double> values)
{
    for (double v : values) {
        unsigned char b[8];
        std::memcpy(b, &v, 8);
        out.insert(out.end(), b, b + 8);
    }
}

/// GPkgGeometryFromOGR() of GDAL 3.6, for WKB the walk does not take.
BlobGeometry blob_through_ogr(const unsigned char* wkb, std::size_t size, std::int32_t srs_id,
                              std::vector<unsigned char>& out)
{
    OGRGeometry* raw = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb, nullptr, &raw, size) != OGRERR_NONE || !raw)
        throw OutputError("cannot write a geometry to the GeoPackage: OGR cannot read its WKB");
    gdal::GeometryPtr g(raw);
    BlobGeometry info;
    info.type = g->getGeometryType();
    info.empty = g->IsEmpty();
    const bool point = wkbFlatten(info.type) == wkbPoint;
    const int dims = g->getCoordinateDimension(); // 2 for XYM: GDAL writes no M envelope
    const int envelope = info.empty || point ? 0 : (dims == 3 ? 2 : 1);
    put_header(out, info.empty, envelope, srs_id);
    if (!info.empty) {
        OGREnvelope3D e;
        g->getEnvelope(&e);
        info.min_x = e.MinX;
        info.min_y = e.MinY;
        info.max_x = e.MaxX;
        info.max_y = e.MaxY;
        if (envelope == 1)
            put_doubles(out, {e.MinX, e.MaxX, e.MinY, e.MaxY});
        else if (envelope == 2)
            put_doubles(out, {e.MinX, e.MaxX, e.MinY, e.MaxY, e.MinZ, e.MaxZ});
    }
    const std::size_t at = out.size();
    out.resize(at + g->WkbSize());
    if (g->exportToWkb(wkbNDR, out.data() + at, wkbVariantIso) != OGRERR_NONE)
        throw OutputError("cannot write a geometry to the GeoPackage: OGR cannot export it");
    return info;
}

} // namespace

BlobGeometry geometry_blob(const unsigned char* wkb, std::size_t size, std::int32_t srs_id,
                           std::vector<unsigned char>& out)
{
    out.clear();
    WkbWalk walk(wkb, size);
    std::uint32_t type = 0;
    if constexpr (std::endian::native != std::endian::little)
        return blob_through_ogr(wkb, size, srs_id, out);
    if (!walk.geometry(0, 0, type) || !walk.done())
        return blob_through_ogr(wkb, size, srs_id, out);
    BlobGeometry info;
    info.type = static_cast<OGRwkbGeometryType>(type);
    info.empty = !walk.any;
    const bool envelope = !info.empty && type != 1;
    put_header(out, info.empty, envelope ? 1 : 0, srs_id);
    if (!info.empty) {
        info.min_x = walk.min_x;
        info.min_y = walk.min_y;
        info.max_x = walk.max_x;
        info.max_y = walk.max_y;
    }
    if (envelope)
        put_doubles(out, {walk.min_x, walk.max_x, walk.min_y, walk.max_y});
    out.insert(out.end(), wkb, wkb + size); // what OGR's ISO export of it gives, byte for byte
    return info;
}

// ---------------------------------------------------------------------------

TableRows::TableRows(RowWriter& owner, std::string table, std::string column, SpatialIndex* index)
    : m_owner(owner), m_table(std::move(table)), m_geometry_column(std::move(column)), m_index(index)
{
}

void TableRows::put_bytes(Cell& c, Cell::Kind kind, const void* p, std::size_t n)
{
    c.kind = kind;
    c.at = m_bytes.size();
    c.size = n;
    m_bytes.append(static_cast<const char*>(p), n);
}

void TableRows::text(int column, std::string_view v)
{
    put_bytes(cell(column), Cell::Kind::Text, v.data(), v.size());
}

void TableRows::integer(int column, std::int64_t v)
{
    Cell& c = cell(column);
    c.kind = Cell::Kind::Integer;
    c.integer = v;
}

void TableRows::real(int column, double v)
{
    Cell& c = cell(column);
    c.kind = std::isnan(v) ? Cell::Kind::Null : Cell::Kind::Real;
    c.real = v;
}

void TableRows::null(int column)
{
    cell(column).kind = Cell::Kind::Null;
}

BlobGeometry TableRows::geometry(const std::vector<unsigned char>& wkb)
{
    if (wkb.empty()) {
        cell(-1).kind = Cell::Kind::Null;
        m_geometries[m_pending] = {};
        return {};
    }
    const BlobGeometry g = geometry_blob(wkb.data(), wkb.size(), m_srs_id, m_blob);
    m_saw_z = m_saw_z || wkbHasZ(g.type);
    m_saw_m = m_saw_m || wkbHasM(g.type);
    put_bytes(cell(-1), Cell::Kind::Blob, m_blob.data(), m_blob.size());
    m_geometries[m_pending] = g;
    return g;
}

void TableRows::insert()
{
    if (++m_pending == m_batch)
        flush();
}

StmtPtr TableRows::statement(std::size_t rows)
{
    std::string sql = "INSERT INTO " + sql_identifier(m_table) + " (" + sql_identifier(m_geometry_column);
    for (const std::string& c : m_columns)
        sql += ", " + sql_identifier(c);
    sql += ") VALUES ";
    std::string row = "(?";
    for (std::size_t i = 0; i < m_columns.size(); ++i)
        row += ", ?";
    row += ")";
    for (std::size_t r = 0; r < rows; ++r)
        sql += (r ? ", " : "") + row;
    return m_owner.prepare(sql);
}

void TableRows::bind(sqlite3_stmt* s, int param, const Cell& c)
{
    const char* bytes = m_bytes.data() + c.at;
    const int n = static_cast<int>(c.size);
    int rc = SQLITE_OK;
    switch (c.kind) {
    case Cell::Kind::Null:
        return; // the bindings were cleared
    case Cell::Kind::Text:
        rc = sqlite3_bind_text(s, param, bytes, n, SQLITE_STATIC);
        break;
    case Cell::Kind::Blob:
        rc = sqlite3_bind_blob(s, param, bytes, n, SQLITE_STATIC);
        break;
    case Cell::Kind::Integer:
        rc = sqlite3_bind_int64(s, param, c.integer);
        break;
    case Cell::Kind::Real:
        rc = sqlite3_bind_double(s, param, c.real);
        break;
    }
    if (rc != SQLITE_OK)
        m_owner.fail("cannot bind a value for '" + m_table + "'");
}

void TableRows::flush()
{
    const std::size_t n = m_pending;
    if (n == 0)
        return;
    if (m_last_fid < 0) // the first rows: tables get their sqlite_sequence row in the order GDAL gives them
        for (auto& t : m_owner.m_tables) {
            if (t.get() == this)
                break;
            if (t->m_last_fid < 0)
                t->flush();
        }
    StmtPtr tail = n == m_batch ? nullptr : statement(n); // the last, short batch
    sqlite3_stmt* s = tail ? tail.get() : m_insert.get();
    for (std::size_t i = 0; i < n * m_width; ++i)
        bind(s, static_cast<int>(i + 1), m_cells[i]);
    if (sqlite3_step(s) != SQLITE_DONE)
        m_owner.fail("cannot insert into '" + m_table + "'");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    // The rows of one statement get consecutive fids (AUTOINCREMENT, and
    // nobody else writes): the last is SQLite's last_insert_rowid.
    const std::int64_t last = sqlite3_last_insert_rowid(m_owner.m_db.get());
    const std::int64_t first = last - static_cast<std::int64_t>(n) + 1;
    if (m_last_fid >= 0 && first != m_last_fid + 1)
        throw OutputError("GeoPackage rows: the fids of '" + m_table + "' are not consecutive");
    m_last_fid = last;
    for (std::size_t r = 0; r < n; ++r) {
        const BlobGeometry& g = m_geometries[r];
        if (g.empty)
            continue;
        if (m_index)
            m_index->add(first + static_cast<std::int64_t>(r), g.min_x, g.min_y, g.max_x, g.max_y);
        if (!m_extent_set) {
            m_min_x = g.min_x, m_min_y = g.min_y, m_max_x = g.max_x, m_max_y = g.max_y;
            m_extent_set = true;
        } else {
            m_min_x = std::min(m_min_x, g.min_x), m_min_y = std::min(m_min_y, g.min_y);
            m_max_x = std::max(m_max_x, g.max_x), m_max_y = std::max(m_max_y, g.max_y);
        }
    }
    m_rows += static_cast<std::int64_t>(n);
    std::fill(m_cells.begin(), m_cells.end(), Cell{});
    std::fill(m_geometries.begin(), m_geometries.end(), BlobGeometry{});
    m_bytes.clear();
    m_pending = 0;
}

// ---------------------------------------------------------------------------

RowWriter::RowWriter(const std::string& path) : m_path(path)
{
    sqlite3* raw = nullptr;
    // One thread at a time uses the connection (the one that writes the
    // rows): no mutex around each of its ~20 calls a row (SQLite's
    // "multi-thread" mode).
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    m_db.reset(raw);
    if (rc != SQLITE_OK)
        fail("cannot open '" + path + "'");
    // The file is a temporary one renamed into place when complete
    // (write_into_place): a crash leaves no half file under the real name.
    exec("PRAGMA synchronous = OFF");
    exec("BEGIN");
    m_in_transaction = true;
}

RowWriter::~RowWriter()
{
    if (m_in_transaction && m_db)
        sqlite3_exec(m_db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void RowWriter::fail(const std::string& what)
{
    throw OutputError("GeoPackage rows: " + what + ": " + (m_db ? sqlite3_errmsg(m_db.get()) : "out of memory"));
}

void RowWriter::exec(const std::string& sql)
{
    char* message = nullptr;
    if (sqlite3_exec(m_db.get(), sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        const std::string m = message ? message : sqlite3_errmsg(m_db.get());
        sqlite3_free(message);
        throw OutputError("GeoPackage rows: " + m + " (in: " + sql.substr(0, 160) + ")");
    }
}

StmtPtr RowWriter::prepare(const std::string& sql)
{
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(m_db.get(), sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
        fail("cannot prepare (" + sql.substr(0, 160) + ")");
    return StmtPtr(s);
}

TableRows& RowWriter::table(const std::string& table, const std::string& geometry_column,
                            const std::vector<std::string>& columns, SpatialIndex* index)
{
    auto t = std::unique_ptr<TableRows>(new TableRows(*this, table, geometry_column, index));
    t->m_columns = columns;
    StmtPtr srs = prepare("SELECT srs_id, z, m FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?1)");
    sqlite3_bind_text(srs.get(), 1, table.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(srs.get()) != SQLITE_ROW)
        throw OutputError("GeoPackage rows: '" + table + "' is not in gpkg_geometry_columns");
    t->m_srs_id = sqlite3_column_int(srs.get(), 0);
    t->m_z = sqlite3_column_int(srs.get(), 1);
    t->m_m = sqlite3_column_int(srs.get(), 2);
    // GDAL's triggers keeping gpkg_ogr_contents.feature_count: GDAL itself
    // drops them while it writes (DisableFeatureCountTriggers) and recreates
    // them when done; so do we, with their own SQL.
    StmtPtr triggers = prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
                               "('trigger_insert_feature_count_' || ?1, 'trigger_delete_feature_count_' || ?1) "
                               "ORDER BY name DESC");
    sqlite3_bind_text(triggers.get(), 1, table.c_str(), -1, SQLITE_TRANSIENT);
    std::vector<std::string> names;
    while (sqlite3_step(triggers.get()) == SQLITE_ROW) {
        names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(triggers.get(), 0)));
        t->m_trigger_sql.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(triggers.get(), 1)));
    }
    for (const std::string& name : names)
        exec("DROP TRIGGER " + sql_identifier(name));
    t->m_width = columns.size() + 1;
    const auto variables = static_cast<std::size_t>(sqlite3_limit(m_db.get(), SQLITE_LIMIT_VARIABLE_NUMBER, -1));
    t->m_batch = std::max<std::size_t>(1, std::min<std::size_t>(64, variables / t->m_width));
    t->m_insert = t->statement(t->m_batch);
    t->m_cells.assign(t->m_batch * t->m_width, TableRows::Cell{});
    t->m_geometries.assign(t->m_batch, BlobGeometry{});
    m_tables.push_back(std::move(t));
    return *m_tables.back();
}

void RowWriter::finish_table(TableRows& t)
{
    t.flush();
    t.m_insert.reset();
    for (const std::string& sql : t.m_trigger_sql)
        exec(sql);
    if (t.m_rows == 0)
        return; // GDAL leaves a table it wrote nothing to as it was
    // The statements of GDAL's SaveExtent() and SaveTimestamp(), formatted
    // as it formats them (SQLite's %.18g keeps 16 digits: so must we).
    auto run = [this](char* sql) {
        const std::string s = sql ? sql : "";
        sqlite3_free(sql);
        exec(s);
    };
    // CheckGeometryType(): a Z or M geometry in a table declared without
    // sets the "may have" hint, 2.
    if ((t.m_saw_z && t.m_z == 0) || (t.m_saw_m && t.m_m == 0))
        run(sqlite3_mprintf("UPDATE gpkg_geometry_columns SET z = %d, m = %d WHERE table_name = '%q' AND "
                            "column_name = '%q'",
                            t.m_saw_z && t.m_z == 0 ? 2 : t.m_z, t.m_saw_m && t.m_m == 0 ? 2 : t.m_m,
                            t.m_table.c_str(), t.m_geometry_column.c_str()));
    if (t.m_extent_set)
        run(sqlite3_mprintf("UPDATE gpkg_contents SET min_x = %.18g, min_y = %.18g, max_x = %.18g, max_y = %.18g "
                            "WHERE lower(table_name) = lower('%q') AND Lower(data_type) = 'features'",
                            t.m_min_x, t.m_min_y, t.m_max_x, t.m_max_y, t.m_table.c_str()));
    const char* date = CPLGetConfigOption("OGR_CURRENT_DATE", nullptr);
    if (date)
        run(sqlite3_mprintf("UPDATE gpkg_contents SET last_change = '%q' WHERE lower(table_name) = lower('%q')",
                            date, t.m_table.c_str()));
    else
        run(sqlite3_mprintf("UPDATE gpkg_contents SET last_change = strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ','now') "
                            "WHERE lower(table_name) = lower('%q')",
                            t.m_table.c_str()));
    run(sqlite3_mprintf("UPDATE gpkg_ogr_contents SET feature_count = %lld WHERE lower(table_name) = lower('%q')",
                        static_cast<long long>(t.m_rows), t.m_table.c_str()));
}

void RowWriter::commit()
{
    for (auto& t : m_tables)
        finish_table(*t);
    exec("COMMIT");
    m_in_transaction = false;
    m_tables.clear();
    sqlite3* db = m_db.release();
    if (sqlite3_close(db) != SQLITE_OK) {
        m_db.reset(db);
        fail("cannot close '" + m_path + "'");
    }
}

} // namespace redline::gpkg
