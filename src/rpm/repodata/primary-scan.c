/*
 * The primary.xml fast-path scanner, compiled to WebAssembly (primary-scan-wasm.ts loads the module that
 * `sh src/rpm/repodata/primary-scan-build.sh` embeds in primary-scan-wasm-module.ts). Its contract and
 * output columns are primary-scan.ts's: it reads a run of `ws* (<package …>…</package> ws*)*` and stops
 * at (declines) the first package outside the strict subset it knows; the caller hands declined bytes to
 * the general tokenizer (xml.ts), which decides. Every decision below mirrors primary-handler.ts (how a
 * Package is built) and xml.ts (what is well-formed, how references decode).
 * Why C: compiled WebAssembly runs at full speed from its first byte, while the same loops in
 * JavaScript spend the first megabytes of every process (and of every worker) in V8's interpreter.
 *
 * Freestanding: no libc. Memory is a bump allocator over the module's linear memory; growable arrays
 * double (the abandoned copy is not reused: the total stays below twice the final size).
 */
typedef unsigned char u8;
typedef unsigned int u32;
typedef int i32;
typedef unsigned long size_t;

extern u8 __heap_base;
static u32 heap_top;

/* Power-of-two size classes with free lists: a grown array's old block is reused, not abandoned. */
static u32 free_list[32];
static u32 size_class(u32 n) {
  u32 k = 4;
  while ((1u << k) < n) k++;
  return k;
}
static void *alloc(u32 n) {
  u32 k = size_class(n);
  if (free_list[k]) {
    u32 p = free_list[k];
    free_list[k] = *(u32 *)p;
    return (void *)p;
  }
  if (heap_top == 0) heap_top = ((u32)&__heap_base + 15u) & ~15u;
  u32 p = heap_top;
  u32 end = p + (1u << k);
  u32 have = (u32)__builtin_wasm_memory_size(0) * 65536u;
  if (end > have) {
    u32 pages = (end - have + 65535u) / 65536u;
    if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) __builtin_trap();
  }
  heap_top = end;
  return (void *)p;
}
static void release(void *p, u32 n) {
  if (p == 0 || n == 0) return;
  u32 k = size_class(n);
  *(u32 *)p = free_list[k];
  free_list[k] = (u32)p;
}

/* memory.copy (bulk memory, -mbulk-memory): native speed, no libc. */
static void copy(u8 *d, const u8 *s, u32 n) { __builtin_memcpy(d, s, n); }
static int equal(const u8 *a, const u8 *c, u32 n) {
  for (u32 i = 0; i < n; i++) if (a[i] != c[i]) return 0;
  return 1;
}

/* Growable arrays. */
typedef struct { i32 *a; u32 n, cap; } I32s;
typedef struct { u8 *a; u32 n, cap; } U8s;
typedef struct { double *a; u32 n, cap; } F64s;
static void i32_need(I32s *c, u32 more) {
  if (c->n + more <= c->cap) return;
  u32 cap = c->cap ? c->cap * 2 : 1024;
  while (cap < c->n + more) cap *= 2;
  i32 *a = alloc(cap * 4);
  if (c->n) copy((u8 *)a, (u8 *)c->a, c->n * 4);
  release(c->a, c->cap * 4);
  c->a = a; c->cap = cap;
}
static void u8_need(U8s *c, u32 more) {
  if (c->n + more <= c->cap) return;
  u32 cap = c->cap ? c->cap * 2 : 65536;
  while (cap < c->n + more) cap *= 2;
  u8 *a = alloc(cap);
  if (c->n) copy(a, c->a, c->n);
  release(c->a, c->cap);
  c->a = a; c->cap = cap;
}
static void f64_need(F64s *c, u32 more) {
  if (c->n + more <= c->cap) return;
  u32 cap = c->cap ? c->cap * 2 : 1024;
  while (cap < c->n + more) cap *= 2;
  double *a = alloc(cap * 8);
  if (c->n) copy((u8 *)a, (u8 *)c->a, c->n * 8);
  release(c->a, c->cap * 8);
  c->a = a; c->cap = cap;
}

/* ---- Interned strings (byte-exact), ids in order of first sight. ---- */
/* A slot holds everything a probe compares (one 16-byte row), then the arena bytes. */
typedef struct { u32 hash; i32 id; u32 off, len; } Slot;
static Slot *str_slots;
static u32 str_mask;
static I32s str_len; /* per id: byte length (the package-name check) */
static U8s arena;
static u32 str_count, str_sent, arena_sent;

static u32 fnv(const u8 *b, u32 s, u32 e) {
  u32 h = 2166136261u;
  for (u32 i = s; i < e; i++) h = (h ^ b[i]) * 16777619u;
  return h;
}
static void str_grow(void) {
  u32 size = (str_mask + 1) * 2;
  Slot *slots = alloc(size * sizeof(Slot));
  for (u32 i = 0; i < size; i++) slots[i].id = -1;
  for (u32 i = 0; i <= str_mask; i++) {
    if (str_slots[i].id < 0) continue;
    u32 t = str_slots[i].hash & (size - 1);
    while (slots[t].id >= 0) t = (t + 1) & (size - 1);
    slots[t] = str_slots[i];
  }
  release(str_slots, (str_mask + 1) * sizeof(Slot));
  str_slots = slots;
  str_mask = size - 1;
}
static i32 intern(const u8 *b, u32 s, u32 e, u32 h) {
  u32 len = e - s;
  u32 slot = h & str_mask;
  for (;;) {
    i32 id = str_slots[slot].id;
    if (id < 0) break;
    if (str_slots[slot].hash == h && str_slots[slot].len == len &&
        equal(arena.a + str_slots[slot].off, b + s, len)) return id;
    slot = (slot + 1) & str_mask;
  }
  i32 id = (i32)str_count++;
  i32_need(&str_len, 1);
  u8_need(&arena, len);
  copy(arena.a + arena.n, b + s, len);
  str_len.a[str_len.n++] = (i32)len;
  arena.n += len;
  str_slots[slot].hash = h;
  str_slots[slot].id = id;
  str_slots[slot].off = arena.n - len;
  str_slots[slot].len = len;
  if (str_count * 10 > (str_mask + 1) * 7) str_grow();
  return id;
}

/* ---- Interned tuples: EVRs (epoch, version, release) and dependencies (name, flags | pre << 3, EVR). ---- */
/* A slot row is the id and the three keys (16 bytes: one probe, one cache line). */
typedef struct { i32 *rows; u32 mask; u32 count; } Tuples;
static Tuples evrs, deps;
static I32s evr_defs; /* every EVR (epoch, version, release), in id order: the package's own */
static u32 evr_sent;
static I32s new_deps; /* the dependencies first seen in this scan (name, flags, evr, pre) */
static u32 mix(i32 t0, i32 t1, i32 t2) {
  u32 h = ((u32)t0 ^ 0x9e3779b9u) * 0x85ebca6bu;
  h = (h ^ (h >> 15) ^ (u32)t1) * 0xc2b2ae35u;
  h = (h ^ (h >> 13) ^ (u32)t2) * 0x27d4eb2fu;
  return h ^ (h >> 16);
}
static i32 *rows_new(u32 size) {
  i32 *rows = alloc(size * 16);
  for (u32 i = 0; i < size; i++) rows[i * 4] = -1;
  return rows;
}
static void tuples_init(Tuples *t) {
  t->mask = (1u << 14) - 1;
  t->rows = rows_new(t->mask + 1);
}
/* The id of (t0, t1, t2); *fresh is set when it was not there before. */
static i32 tuple(Tuples *t, i32 t0, i32 t1, i32 t2, int *fresh) {
  u32 s = mix(t0, t1, t2) & t->mask;
  *fresh = 0;
  for (;;) {
    i32 *r = t->rows + s * 4;
    if (r[0] < 0) break;
    if (r[1] == t0 && r[2] == t1 && r[3] == t2) return r[0];
    s = (s + 1) & t->mask;
  }
  i32 id = (i32)t->count++;
  *fresh = 1;
  i32 *r = t->rows + s * 4;
  r[0] = id; r[1] = t0; r[2] = t1; r[3] = t2;
  if (t->count * 10 > (t->mask + 1) * 7) {
    u32 size = (t->mask + 1) * 2;
    i32 *rows = rows_new(size);
    for (u32 k = 0; k <= t->mask; k++) {
      i32 *o = t->rows + k * 4;
      if (o[0] < 0) continue;
      u32 x = mix(o[1], o[2], o[3]) & (size - 1);
      while (rows[x * 4] >= 0) x = (x + 1) & (size - 1);
      for (u32 j = 0; j < 4; j++) rows[x * 4 + j] = o[j];
    }
    release(t->rows, (t->mask + 1) * 16);
    t->rows = rows;
    t->mask = size - 1;
  }
  return id;
}
static i32 evr_id(i32 epoch, i32 ver, i32 rel) {
  int fresh;
  i32 id = tuple(&evrs, epoch, ver, rel, &fresh);
  if (fresh) {
    i32_need(&evr_defs, 3);
    evr_defs.a[evr_defs.n++] = epoch; evr_defs.a[evr_defs.n++] = ver; evr_defs.a[evr_defs.n++] = rel;
  }
  return id;
}
static i32 dep_id(i32 name, i32 flags, i32 evr, i32 pre) {
  int fresh;
  i32 id = tuple(&deps, name, flags | (pre << 3), evr, &fresh);
  if (fresh) {
    i32_need(&new_deps, 4);
    i32 *d = new_deps.a + new_deps.n;
    d[0] = name; d[1] = flags; d[2] = evr; d[3] = pre;
    new_deps.n += 4;
  }
  return id;
}

/* ---- Per-scan input and output columns (reused from scan to scan). ---- */
enum { PK_NAME, PK_ARCH, PK_EPOCH, PK_VER, PK_REL, PK_CHECKSUM_TYPE, PK_CHECKSUM, PK_SUMMARY,
  PK_DESCRIPTION, PK_PACKAGER, PK_URL, PK_LOCATION, PK_LOCATION_BASE, PK_LICENSE, PK_VENDOR, PK_GROUP,
  PK_BUILDHOST, PK_SOURCERPM, PK_HAS, PK_DEP_END, PK_FILE_END, PK_WIDTH };
enum { NUM_WIDTH = 5 };

static U8s in;
static u8 *b;
static u32 end;
static I32s packages, entries, files, text_lens;
static U8s entry_kinds, text;
static F64s nums;
static U8s scratch; /* a value with references, decoded */

#define DECLINE 0xffffffffu
#define LT 0x3c
#define GT 0x3e
#define AMP 0x26
#define SLASH 0x2f
#define IS_SPACE(c) ((c) == 0x20 || (c) == 0x0a || (c) == 0x09 || (c) == 0x0d)

/* Element and attribute codes. */
enum { E_UNKNOWN, E_PACKAGE, E_NAME, E_ARCH, E_VERSION, E_CHECKSUM, E_SUMMARY, E_DESCRIPTION, E_PACKAGER,
  E_URL, E_TIME, E_SIZE, E_LOCATION, E_FORMAT, E_LICENSE, E_VENDOR, E_GROUP, E_BUILDHOST, E_SOURCERPM,
  E_HEADER_RANGE, E_ENTRY, E_FILE, E_DEPLIST };
enum { A_NONE, A_NAME, A_FLAGS, A_EPOCH, A_VER, A_REL, A_PRE, A_TYPE, A_FILE, A_BUILD, A_PACKAGE,
  A_INSTALLED, A_ARCHIVE, A_HREF, A_XML_BASE, A_OTHER };

static const char *const ELEMENTS[] = { "", "package", "name", "arch", "version", "checksum", "summary",
  "description", "packager", "url", "time", "size", "location", "format", "rpm:license", "rpm:vendor",
  "rpm:group", "rpm:buildhost", "rpm:sourcerpm", "rpm:header-range", "rpm:entry", "file",
  "rpm:provides", "rpm:requires", "rpm:conflicts", "rpm:obsoletes", "rpm:recommends", "rpm:suggests",
  "rpm:supplements", "rpm:enhances" };
#define N_ELEMENTS 30
static const char *const ATTRIBUTES[] = { "", "name", "flags", "epoch", "ver", "rel", "pre", "type", "file",
  "build", "package", "installed", "archive", "href", "xml:base" };
#define N_ATTRIBUTES 15

static u32 cstrlen(const char *s) { u32 n = 0; while (s[n]) n++; return n; }
static int same_n(u32 s, u32 e, const char *name, u32 n) {
  if (e - s != n) return 0;
  for (u32 i = 0; i < n; i++) if (b[s + i] != (u8)name[i]) return 0;
  return 1;
}
static int same(u32 s, u32 e, const char *name) { return same_n(s, e, name, cstrlen(name)); }

/* Name bytes to a code: a 256-slot table keyed by length and three bytes, built once. */
static u8 element_len[N_ELEMENTS], attribute_len[N_ATTRIBUTES];
static u8 element_slot[256], attribute_slot[256];
static u32 name_hash(const u8 *p, u32 len) {
  return len == 0 ? 0 : (len * 31 + p[0] * 7 + p[len - 1] * 3 + p[len >> 1] * 11) & 255;
}
static void build_table(const char *const *names, u32 count, u8 *lens, u8 *slots) {
  for (u32 k = 1; k < count; k++) {
    lens[k] = (u8)cstrlen(names[k]);
    u32 h = name_hash((const u8 *)names[k], lens[k]);
    while (slots[h]) h = (h + 1) & 255;
    slots[h] = (u8)k;
  }
}
static u32 lookup(u32 s, u32 e, const char *const *names, const u8 *lens, const u8 *slots) {
  u32 len = e - s;
  for (u32 h = name_hash(b + s, len); ; h = (h + 1) & 255) {
    u32 k = slots[h];
    if (k == 0) return 0;
    if (same_n(s, e, names[k], lens[k])) return k;
  }
}
static u32 element_code(u32 s, u32 e) { return lookup(s, e, ELEMENTS, element_len, element_slot); }
static u32 attribute_code(u32 s, u32 e) {
  u32 k = lookup(s, e, ATTRIBUTES, attribute_len, attribute_slot);
  return k ? k : A_OTHER;
}

/* The current tag's attributes. */
#define MAX_ATTRS 16
static u32 attr_code[MAX_ATTRS], attr_s[MAX_ATTRS], attr_e[MAX_ATTRS], attr_h[MAX_ATTRS];
static u8 attr_ref[MAX_ATTRS];
static u32 attr_n, tag_end, self_closing, name_end;

/* Next '<' and '&' at or after a position (searched once per byte per scan). */
static u32 lt_at, amp_at;
static u32 next_lt(u32 from) {
  if (lt_at == DECLINE || lt_at < from) {
    u32 i = from;
    while (i < end && b[i] != LT) i++;
    lt_at = i;
  }
  return lt_at;
}
static u32 next_amp(u32 from) {
  if (amp_at == DECLINE || amp_at < from) {
    u32 i = from;
    while (i < end && b[i] != AMP) i++;
    amp_at = i;
  }
  return amp_at;
}

/*
 * Decodes the references in b[s, e) into scratch, exactly as xml.ts's decodeEntities: the five
 * predefined entities and numeric character references; 0 (decline) for anything else.
 */
static void put_utf8(U8s *o, u32 cp) {
  u8_need(o, 4);
  u8 *p = o->a + o->n;
  if (cp < 0x80) { p[0] = (u8)cp; o->n += 1; }
  else if (cp < 0x800) { p[0] = (u8)(0xc0 | (cp >> 6)); p[1] = (u8)(0x80 | (cp & 63)); o->n += 2; }
  else if (cp < 0x10000) {
    p[0] = (u8)(0xe0 | (cp >> 12)); p[1] = (u8)(0x80 | ((cp >> 6) & 63)); p[2] = (u8)(0x80 | (cp & 63)); o->n += 3;
  } else {
    p[0] = (u8)(0xf0 | (cp >> 18)); p[1] = (u8)(0x80 | ((cp >> 12) & 63)); p[2] = (u8)(0x80 | ((cp >> 6) & 63));
    p[3] = (u8)(0x80 | (cp & 63)); o->n += 4;
  }
}
static int decode_refs(u32 s, u32 e) {
  scratch.n = 0;
  u32 i = s;
  while (i < e) {
    u8 c = b[i];
    if (c != AMP) { u8_need(&scratch, 1); scratch.a[scratch.n++] = c; i++; continue; }
    /* decodeEntities measures in UTF-16 units of the decoded string; the reference itself is ASCII,
       so counting bytes up to ';' agrees as long as they are ASCII (anything else: decline). */
    u32 semi = i + 1;
    while (semi < e && b[semi] != ';' && semi - i <= 12) {
      if (b[semi] >= 0x80) return 0;
      semi++;
    }
    if (semi >= e || b[semi] != ';' || semi - i > 12) return 0;
    u32 r = i + 1;
    u32 cp;
    if (b[r] == '#') {
      int hex = r + 1 < semi && b[r + 1] == 'x';
      u32 d = r + (hex ? 2 : 1);
      if (d >= semi) return 0;
      cp = 0;
      for (u32 k = d; k < semi; k++) {
        u8 x = b[k];
        u32 v;
        if (x >= '0' && x <= '9') v = x - '0';
        else if (hex && x >= 'a' && x <= 'f') v = x - 'a' + 10;
        else if (hex && x >= 'A' && x <= 'F') v = x - 'A' + 10;
        else return 0;
        cp = cp * (hex ? 16 : 10) + v;
        if (cp > 0x10ffff) return 0;
      }
      if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || (cp < 0x20 && cp != 9 && cp != 10 && cp != 13)) return 0;
    } else if (same(r, semi, "lt")) cp = '<';
    else if (same(r, semi, "gt")) cp = '>';
    else if (same(r, semi, "amp")) cp = '&';
    else if (same(r, semi, "quot")) cp = '"';
    else if (same(r, semi, "apos")) cp = '\'';
    else return 0;
    put_utf8(&scratch, cp);
    i = semi + 1;
  }
  return 1;
}

/* Reads the attributes of the tag whose name ends at i; sets tag_end, self_closing. 0: decline. */
static int read_attrs(u32 i) {
  attr_n = 0;
  u32 lim = next_lt(i);
  for (;;) {
    u8 c = i < end ? b[i] : 0;
    while (IS_SPACE(c)) c = ++i < end ? b[i] : 0;
    if (i >= lim) return 0;
    if (c == GT) { tag_end = i + 1; self_closing = 0; return 1; }
    if (c == SLASH) {
      if (i + 1 >= lim || b[i + 1] != GT) return 0;
      tag_end = i + 2; self_closing = 1; return 1;
    }
    u32 ns = i;
    while (c != '=' && !IS_SPACE(c) && c != GT && c != SLASH && i < lim) c = ++i < end ? b[i] : 0;
    u32 ne = i;
    while (IS_SPACE(c)) c = ++i < end ? b[i] : 0;
    if (c != '=' || ne == ns || i >= lim) return 0;
    c = ++i < end ? b[i] : 0;
    while (IS_SPACE(c)) c = ++i < end ? b[i] : 0;
    if ((c != '"' && c != '\'') || i >= lim) return 0;
    u32 vs = ++i;
    u32 h = 2166136261u;
    u8 ref = 0;
    while (i < lim) {
      u8 v = b[i];
      if (v == c) break;
      if (v == AMP) ref = 1;
      h = (h ^ v) * 16777619u;
      i++;
    }
    if (i >= lim || attr_n == MAX_ATTRS) return 0;
    u32 code = attribute_code(ns, ne);
    for (u32 k = 0; k < attr_n; k++) if (attr_code[k] == code && code != A_OTHER) return 0;
    attr_code[attr_n] = code; attr_s[attr_n] = vs; attr_e[attr_n] = i; attr_h[attr_n] = h; attr_ref[attr_n] = ref;
    attr_n++;
    i++;
    if (ref && !decode_refs(vs, i - 1)) return 0;
  }
}

static i32 find(u32 code) {
  for (u32 k = 0; k < attr_n; k++) if (attr_code[k] == code) return (i32)k;
  return -1;
}
static i32 intern_decoded(void) { return intern(scratch.a, 0, scratch.n, fnv(scratch.a, 0, scratch.n)); }
static i32 intern_attr(u32 k) {
  if (attr_ref[k]) { decode_refs(attr_s[k], attr_e[k]); return intern_decoded(); }
  return intern(b, attr_s[k], attr_e[k], attr_h[k]);
}
static i32 empty_id(void) { return intern(b, 0, 0, 2166136261u); }
static i32 add_text(u32 s, u32 e, int ref) {
  const u8 *src = b;
  if (ref) { decode_refs(s, e); src = scratch.a; s = 0; e = scratch.n; }
  u32 len = e - s;
  u8_need(&text, len);
  copy(text.a + text.n, src + s, len);
  text.n += len;
  i32_need(&text_lens, 1);
  text_lens.a[text_lens.n] = (i32)len;
  return (i32)text_lens.n++;
}
static i32 attr_text(u32 k) { return add_text(attr_s[k], attr_e[k], attr_ref[k]); }
/* A non-negative decimal attribute (absent: 0); -1 when not plain decimal digits (at most 15). */
static double attr_number(u32 code) {
  i32 k = find(code);
  if (k < 0) return 0;
  u32 s = attr_s[k], e = attr_e[k];
  if (e == s || e - s > 15) return -1;
  double n = 0;
  for (u32 i = s; i < e; i++) {
    u32 d = (u32)b[i] - '0';
    if (d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
static i32 read_evr(void) {
  double epoch = attr_number(A_EPOCH);
  if (epoch < 0 || epoch > 2147483647.0) return -1;
  i32 kv = find(A_VER), kr = find(A_REL);
  i32 ver = kv < 0 ? empty_id() : intern_attr(kv);
  i32 rel = kr < 0 ? -1 : intern_attr(kr);
  return evr_id((i32)epoch, ver, rel);
}
static int is_one(i32 k) { return k >= 0 && attr_e[k] - attr_s[k] == 1 && b[attr_s[k]] == '1'; }

static u32 start_tag(u32 p) {
  u32 i = p + 1;
  u8 c = i < end ? b[i] : 0;
  if (c == SLASH || c == '!' || c == '?') return E_UNKNOWN;
  while (c != GT && c != SLASH && !IS_SPACE(c) && i < end) c = ++i < end ? b[i] : 0;
  if (i >= end || i == p + 1) return E_UNKNOWN;
  name_end = i;
  return element_code(p + 1, i);
}
static u32 end_tag(u32 p, u32 code) {
  if (p + 1 >= end || b[p] != LT || b[p + 1] != SLASH) return DECLINE;
  const char *name = ELEMENTS[code];
  u32 len = element_len[code];
  u32 i = p + 2;
  if (i + len > end) return DECLINE;
  for (u32 k = 0; k < len; k++) if (b[i + k] != (u8)name[k]) return DECLINE;
  i += len;
  u8 c = i < end ? b[i] : 0;
  while (IS_SPACE(c)) c = ++i < end ? b[i] : 0;
  return c == GT && i < end ? i + 1 : DECLINE;
}
static u32 skip_space(u32 i) {
  while (i < end && IS_SPACE(b[i])) i++;
  return i;
}

static u32 text_s, text_e;
static int text_ref;
static u32 leaf_text(u32 code) {
  if (self_closing) { text_s = text_e = tag_end; text_ref = 0; return tag_end; }
  u32 lt = next_lt(tag_end);
  if (lt >= end) return DECLINE;
  text_s = tag_end; text_e = lt;
  text_ref = next_amp(tag_end) < lt;
  if (text_ref && !decode_refs(text_s, text_e)) return DECLINE;
  return end_tag(lt, code);
}
static i32 last_string;
static u32 leaf_string(u32 code) {
  u32 after = leaf_text(code);
  if (after == DECLINE) return DECLINE;
  if (text_ref) { decode_refs(text_s, text_e); last_string = intern_decoded(); }
  else last_string = intern(b, text_s, text_e, fnv(b, text_s, text_e));
  return after;
}
static int only_attrs(u32 x, u32 y, u32 z) {
  for (u32 k = 0; k < attr_n; k++) { u32 c = attr_code[k]; if (c != x && c != y && c != z) return 0; }
  return 1;
}
static int has_other(void) {
  for (u32 k = 0; k < attr_n; k++) if (attr_code[k] == A_OTHER) return 1;
  return 0;
}
static u32 flag_code(u32 s, u32 e) {
  if (e - s != 2) return 0;
  u8 c0 = b[s], c1 = b[s + 1];
  if (c0 == 'E' && c1 == 'Q') return 1;
  if (c0 == 'L') return c1 == 'T' ? 2 : c1 == 'E' ? 3 : 0;
  if (c0 == 'G') return c1 == 'T' ? 4 : c1 == 'E' ? 5 : 0;
  return 0;
}
/* The dependency id of the current <rpm:entry>, as primary-handler.ts builds it; -1: decline. */
static i32 entry(void) {
  i32 kn = -1, kf = -1, kp = -1;
  for (u32 k = 0; k < attr_n; k++) {
    u32 c = attr_code[k];
    if (c == A_NAME) kn = (i32)k;
    else if (c == A_FLAGS) kf = (i32)k;
    else if (c == A_PRE) kp = (i32)k;
    else if (c != A_EPOCH && c != A_VER && c != A_REL) return -1;
  }
  i32 name = kn < 0 ? empty_id() : intern_attr((u32)kn);
  u32 count = attr_n;
  if (kp >= 0 && attr_ref[kp]) return -1;
  i32 pre = is_one(kp) ? 1 : 0;
  if (count == 1 || (count == 2 && pre == 1)) return dep_id(name, 0, -1, pre);
  if (count <= 1) return dep_id(name, 0, -1, 0);
  i32 flags = 0;
  if (kf >= 0) {
    flags = (i32)flag_code(attr_s[kf], attr_e[kf]);
    if (flags == 0) return -1;
  }
  i32 evr = -1;
  if (flags != 0 || count > 2) {
    evr = read_evr();
    if (evr < 0) return -1;
  }
  return dep_id(name, flags, evr, pre);
}
static u32 dep_list(u32 i, u32 kind) {
  for (;;) {
    i = skip_space(i);
    if (i + 1 >= end || b[i] != LT) return DECLINE;
    if (b[i + 1] == SLASH) return end_tag(i, E_DEPLIST + kind);
    /* "<rpm:entry" and a space: the element (and its name's end) without a table lookup. */
    if (i + 11 < end && b[i + 1] == 'r' && b[i + 4] == ':' && b[i + 5] == 'e' && b[i + 9] == 'y' &&
        IS_SPACE(b[i + 10]) && same_n(i + 1, i + 10, "rpm:entry", 9)) name_end = i + 10;
    else if (start_tag(i) != E_ENTRY) return DECLINE;
    if (!read_attrs(name_end) || !self_closing) return DECLINE;
    i32 dep = entry();
    if (dep < 0) return DECLINE;
    i32_need(&entries, 1);
    u8_need(&entry_kinds, 1);
    entry_kinds.a[entry_kinds.n++] = (u8)kind;
    entries.a[entries.n++] = dep;
    i = tag_end;
  }
}

static i32 pk[PK_WIDTH];
static double num[NUM_WIDTH];
static u32 parse_package(u32 p) {
  if (start_tag(p) != E_PACKAGE || !read_attrs(name_end) || self_closing) return DECLINE;
  for (u32 k = 0; k < PK_WIDTH; k++) pk[k] = -1;
  pk[PK_HAS] = 0;
  for (u32 k = 0; k < NUM_WIDTH; k++) num[k] = 0;
  u32 entries0 = entries.n, files0 = files.n, texts0 = text_lens.n, used0 = text.n;
  u32 i = tag_end;
  int in_format = 0;
#define UNDO() do { entries.n = entries0; entry_kinds.n = entries0; files.n = files0; text_lens.n = texts0; \
    text.n = used0; return DECLINE; } while (0)
  for (;;) {
    i = skip_space(i);
    if (i + 1 >= end || b[i] != LT) UNDO();
    if (b[i + 1] == SLASH) {
      if (in_format) {
        u32 after = end_tag(i, E_FORMAT);
        if (after == DECLINE) UNDO();
        in_format = 0;
        i = after;
        continue;
      }
      u32 after = end_tag(i, E_PACKAGE);
      if (after == DECLINE || pk[PK_NAME] < 0 || str_len.a[pk[PK_NAME]] == 0) UNDO();
      pk[PK_DEP_END] = (i32)entries.n;
      pk[PK_FILE_END] = (i32)files.n;
      i32_need(&packages, PK_WIDTH);
      copy((u8 *)(packages.a + packages.n), (u8 *)pk, PK_WIDTH * 4);
      packages.n += PK_WIDTH;
      f64_need(&nums, NUM_WIDTH);
      copy((u8 *)(nums.a + nums.n), (u8 *)num, NUM_WIDTH * 8);
      nums.n += NUM_WIDTH;
      return after;
    }
    u32 code = start_tag(i);
    if (code == E_UNKNOWN || !read_attrs(name_end)) UNDO();
    u32 after;
    if (!in_format) {
      switch (code) {
        case E_NAME: after = leaf_string(code); pk[PK_NAME] = last_string; break;
        case E_ARCH: after = leaf_string(code); pk[PK_ARCH] = last_string; break;
        case E_PACKAGER: after = leaf_string(code); pk[PK_PACKAGER] = last_string; break;
        case E_SUMMARY: after = leaf_text(code); if (after != DECLINE) pk[PK_SUMMARY] = add_text(text_s, text_e, text_ref); break;
        case E_DESCRIPTION: after = leaf_text(code); if (after != DECLINE) pk[PK_DESCRIPTION] = add_text(text_s, text_e, text_ref); break;
        case E_URL: after = leaf_text(code); if (after != DECLINE) pk[PK_URL] = add_text(text_s, text_e, text_ref); break;
        case E_CHECKSUM: {
          i32 kt = find(A_TYPE);
          i32 type = kt < 0 ? -1 : intern_attr((u32)kt);
          after = leaf_text(code);
          if (after != DECLINE) { pk[PK_CHECKSUM_TYPE] = type; pk[PK_CHECKSUM] = add_text(text_s, text_e, text_ref); }
          break;
        }
        case E_VERSION: {
          if (!self_closing || !only_attrs(A_EPOCH, A_VER, A_REL)) UNDO();
          i32 evr = read_evr();
          if (evr < 0) UNDO();
          i32 *d = evr_defs.a + evr * 3;
          pk[PK_EPOCH] = d[0]; pk[PK_VER] = d[1]; pk[PK_REL] = d[2];
          pk[PK_HAS] |= 1;
          after = tag_end;
          break;
        }
        case E_TIME: {
          if (!self_closing) UNDO();
          double f = attr_number(A_FILE), bu = attr_number(A_BUILD);
          if (f < 0 || bu < 0 || has_other()) UNDO();
          num[0] = f; num[1] = bu;
          pk[PK_HAS] |= 2;
          after = tag_end;
          break;
        }
        case E_SIZE: {
          if (!self_closing) UNDO();
          double a = attr_number(A_PACKAGE), n = attr_number(A_INSTALLED), r = attr_number(A_ARCHIVE);
          if (a < 0 || n < 0 || r < 0 || has_other()) UNDO();
          num[2] = a; num[3] = n; num[4] = r;
          pk[PK_HAS] |= 4;
          after = tag_end;
          break;
        }
        case E_LOCATION: {
          if (!self_closing) UNDO();
          i32 kh = find(A_HREF);
          pk[PK_LOCATION] = kh < 0 ? add_text(0, 0, 0) : attr_text((u32)kh);
          i32 kb = find(A_XML_BASE);
          pk[PK_LOCATION_BASE] = kb < 0 ? -1 : attr_text((u32)kb);
          after = tag_end;
          break;
        }
        case E_FORMAT:
          if (self_closing) UNDO();
          in_format = 1;
          after = tag_end;
          break;
        default: UNDO();
      }
    } else {
      switch (code) {
        case E_LICENSE: after = leaf_string(code); pk[PK_LICENSE] = last_string; break;
        case E_VENDOR: after = leaf_string(code); pk[PK_VENDOR] = last_string; break;
        case E_GROUP: after = leaf_string(code); pk[PK_GROUP] = last_string; break;
        case E_BUILDHOST: after = leaf_string(code); pk[PK_BUILDHOST] = last_string; break;
        case E_SOURCERPM: after = leaf_string(code); pk[PK_SOURCERPM] = last_string; break;
        case E_HEADER_RANGE: if (!self_closing) UNDO(); after = tag_end; break;
        case E_FILE:
          after = leaf_text(code);
          if (after != DECLINE) {
            i32 t = add_text(text_s, text_e, text_ref);
            i32_need(&files, 1);
            files.a[files.n++] = t;
          }
          break;
        default:
          if (code < E_DEPLIST || code >= E_DEPLIST + 8 || self_closing || attr_n > 0) UNDO();
          after = dep_list(tag_end, code - E_DEPLIST);
      }
    }
    if (after == DECLINE) UNDO();
    i = after;
  }
#undef UNDO
}

static int ready;
static void init(void) {
  build_table(ELEMENTS, N_ELEMENTS, element_len, element_slot);
  build_table(ATTRIBUTES, N_ATTRIBUTES, attribute_len, attribute_slot);
  str_mask = (1u << 16) - 1;
  str_slots = alloc((str_mask + 1) * sizeof(Slot));
  for (u32 i = 0; i <= str_mask; i++) str_slots[i].id = -1;
  tuples_init(&evrs);
  tuples_init(&deps);
  ready = 1;
}

/* Room for `length` input bytes; returns where to write them. */
__attribute__((export_name("input"))) u8 *input(u32 length) {
  if (!ready) init();
  in.n = 0;
  u8_need(&in, length + 16);
  return in.a;
}

/* Output columns of the last scan: pointer and element count of column k (ScanBatch order). */
static u32 out_ptr_[11], out_len_[11];
__attribute__((export_name("out_ptr"))) u32 out_ptr(u32 k) { return out_ptr_[k]; }
__attribute__((export_name("out_len"))) u32 out_len(u32 k) { return out_len_[k]; }

/* Scans the `length` bytes written at input(); returns the bytes consumed. */
__attribute__((export_name("scan"))) u32 scan(u32 length) {
  b = in.a;
  end = length;
  packages.n = entries.n = files.n = text_lens.n = 0;
  entry_kinds.n = text.n = 0;
  nums.n = 0;
  new_deps.n = 0;
  lt_at = amp_at = DECLINE;
  i32_need(&packages, 1); i32_need(&entries, 1); i32_need(&files, 1); i32_need(&text_lens, 1);
  u8_need(&entry_kinds, 1); u8_need(&text, 1); f64_need(&nums, 1);
  u32 i = 0, consumed = 0;
  for (;;) {
    i = skip_space(i);
    if (i >= end) { consumed = end; break; }
    consumed = i;
    u32 after = parse_package(i);
    if (after == DECLINE) break;
    i = after;
  }
  i32_need(&str_len, 1); u8_need(&arena, 1); i32_need(&evr_defs, 1); i32_need(&new_deps, 1);
  out_ptr_[0] = (u32)(arena.a + arena_sent); out_len_[0] = arena.n - arena_sent;
  out_ptr_[1] = (u32)(str_len.a + str_sent); out_len_[1] = str_count - str_sent;
  out_ptr_[2] = (u32)(evr_defs.a + evr_sent * 3); out_len_[2] = evr_defs.n - evr_sent * 3;
  out_ptr_[3] = (u32)new_deps.a; out_len_[3] = new_deps.n;
  out_ptr_[4] = (u32)packages.a; out_len_[4] = packages.n;
  out_ptr_[5] = (u32)nums.a; out_len_[5] = nums.n;
  out_ptr_[6] = (u32)entries.a; out_len_[6] = entries.n;
  out_ptr_[7] = (u32)entry_kinds.a; out_len_[7] = entry_kinds.n;
  out_ptr_[8] = (u32)files.a; out_len_[8] = files.n;
  out_ptr_[9] = (u32)text.a; out_len_[9] = text.n;
  out_ptr_[10] = (u32)text_lens.a; out_len_[10] = text_lens.n;
  arena_sent = arena.n;
  str_sent = str_count;
  evr_sent = evrs.count;
  return consumed;
}
