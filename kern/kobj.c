/*
 * kobj.c: linking an ELF64 x86-64 relocatable object (ET_REL, what
 * `ld -r` makes) into the running kernel.
 *
 * Steps, each its own function:
 *   check_header    the ELF header and the section table's place
 *   check_sections  every section: bounds, alignment, one symbol
 *                   table with its string table, relocation sections
 *                   that point at real sections
 *   check_symbols   names inside the string table, section indexes,
 *                   values inside their sections
 *   layout          allocated sections in three runs (code; read-only
 *                   data; writable data and bss), each run starting on
 *                   a page, with stubs (in the code) and a GOT (in the
 *                   read-only data) if relocations need them; one
 *                   mapping holds it all (so 32-bit PC-relative
 *                   references inside the object always reach)
 *   resolve_symbols every symbol's address; undefined ones through the
 *                   caller's resolver
 *   relocate        every RELA entry whose target was loaded
 *   protect         code r-x, read-only data r--, the rest rw-
 * kobj_load does the first five, relocating only against the object's
 * own symbols (so its module information can be read); kobj_affix,
 * once the modules it requires are linked, resolves the undefined
 * symbols, relocates everything (RELA entries do not read what they
 * overwrite, so applying one twice is harmless) and protects.
 *
 * References to kernel symbols: modules are compiled -mcmodel=large
 * (absolute 64-bit addresses), but a call through the PLT (R_X86_64_PLT32)
 * to an undefined symbol goes through a stub (jmp *addr(%rip)), and the
 * GOT-relative forms get a slot here, so objects built otherwise link
 * too.  A 32-bit reference that cannot reach is ENOEXEC.
 *
 * Memory: the mapping is counted against the kernel's limit
 * (kmem_reserve); bookkeeping comes from kmem.  The image stays the
 * caller's.
 */
#include <elf.h>
#include <stdio.h>

#include "kern/kobj.h"

#define KOBJ_MAXSECT	4096		/* sections in one object */
#define KOBJ_MAXALIGN	4096
#define KOBJ_MAXSIZE	((size_t)256 << 20)
#define STUB_SIZE	16		/* jmp *0(%rip); .quad addr */
#define GOT_SYMBOL	"_GLOBAL_OFFSET_TABLE_"	/* our GOT's start */

struct kobj_sym {
	const char *ks_name;		/* in ko_strtab */
	uintptr_t ks_addr;
};

struct kobj {
	char	*ko_base;		/* the mapping */
	size_t	ko_size;
	size_t	ko_textsize;		/* [0, textsize): r-x */
	size_t	ko_rosize;		/* [textsize, +rosize): r-- */
	char	*ko_strtab;		/* copy, names of ko_syms */
	size_t	ko_strsize;
	struct kobj_sym *ko_syms;	/* global definitions */
	size_t	ko_nsyms;
	struct link *ko_link;		/* between load and affix */
};

/* The object being linked: the image and what we learn about it. */
struct link {
	const unsigned char *img;
	size_t	len;
	const Elf64_Ehdr *eh;
	Elf64_Ehdr ehcopy;
	const Elf64_Shdr *sh;		/* [nsect], aligned copy */
	size_t	nsect;
	size_t	symsect;
	const Elf64_Sym *syms;		/* aligned copy */
	size_t	nsyms;
	const char *strtab;
	size_t	strsize;
	uintptr_t *secaddr;		/* [nsect]; 0: not loaded */
	uintptr_t *symaddr;		/* [nsyms] */
	bool	*symundef;		/* [nsyms]: came from the resolver */
	size_t	stubs, got;		/* offsets in the mapping, or 0 */
	struct kobj *ko;
	char	*why;
	size_t	whylen;
};

static int __attribute__((format(printf, 2, 3)))
bad(struct link *lk, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(lk->why, lk->whylen, fmt, ap);
	va_end(ap);
	return ENOEXEC;
}

/* [off, off + size) inside the image, without overflow. */
static bool
in_image(const struct link *lk, uint64_t off, uint64_t size)
{
	return off <= lk->len && size <= lk->len - off;
}

static int
check_header(struct link *lk)
{
	const Elf64_Ehdr *eh = lk->eh;

	if (lk->len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return bad(lk, "not an ELF object");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_ident[EI_VERSION] != EV_CURRENT ||
	    eh->e_version != EV_CURRENT)
		return bad(lk, "not a 64-bit little-endian ELF object");
	if (eh->e_type != ET_REL)
		return bad(lk, "unsupported file type %u (want a relocatable "
		    "object)", eh->e_type);
	if (eh->e_machine != EM_X86_64)
		return bad(lk, "unsupported machine %u", eh->e_machine);
	if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shnum == 0 ||
	    eh->e_shnum > KOBJ_MAXSECT)
		return bad(lk, "bad section header size or count");
	if (!in_image(lk, eh->e_shoff, (uint64_t)eh->e_shnum *
	    sizeof(Elf64_Shdr)))
		return bad(lk, "section headers beyond the end of the file");
	if (eh->e_shstrndx >= eh->e_shnum)
		return bad(lk, "bad section name table index");
	lk->nsect = eh->e_shnum;
	return 0;
}

static bool
is_loaded(const Elf64_Shdr *s)
{
	return (s->sh_flags & SHF_ALLOC) != 0 && s->sh_size != 0;
}

static int
check_section(struct link *lk, size_t i)
{
	const Elf64_Shdr *s = &lk->sh[i];

	if (s->sh_addralign > KOBJ_MAXALIGN ||
	    (s->sh_addralign & (s->sh_addralign - 1)) != 0)
		return bad(lk, "section %zu: bad alignment %llu", i,
		    (unsigned long long)s->sh_addralign);
	if (s->sh_type != SHT_NOBITS && s->sh_type != SHT_NULL &&
	    !in_image(lk, s->sh_offset, s->sh_size))
		return bad(lk, "section %zu beyond the end of the file", i);
	if (is_loaded(s) && s->sh_size > KOBJ_MAXSIZE)
		return bad(lk, "section %zu too large", i);
	switch (s->sh_type) {
	case SHT_REL:
		return bad(lk, "section %zu: REL relocations (x86-64 uses "
		    "RELA)", i);
	case SHT_INIT_ARRAY:
	case SHT_FINI_ARRAY:
	case SHT_PREINIT_ARRAY:
		if (s->sh_size != 0)
			return bad(lk, "constructors or destructors (build "
			    "modules with -DRUMP_KMOD)");
		break;
	case SHT_RELA:
		if (s->sh_entsize != sizeof(Elf64_Rela) ||
		    s->sh_size % sizeof(Elf64_Rela) != 0 ||
		    s->sh_info >= lk->nsect)
			return bad(lk, "relocation section %zu malformed", i);
		break;
	case SHT_SYMTAB:
		if (lk->symsect != 0)
			return bad(lk, "more than one symbol table");
		if (s->sh_entsize != sizeof(Elf64_Sym) ||
		    s->sh_size % sizeof(Elf64_Sym) != 0 ||
		    s->sh_size == 0 || s->sh_link >= lk->nsect ||
		    lk->sh[s->sh_link].sh_type != SHT_STRTAB)
			return bad(lk, "symbol table malformed");
		lk->symsect = i;
		break;
	}
	return 0;
}

static int
check_sections(struct link *lk)
{
	const Elf64_Shdr *str;
	int error;

	for (size_t i = 1; i < lk->nsect; i++)
		if ((error = check_section(lk, i)) != 0)
			return error;
	if (lk->symsect == 0)
		return bad(lk, "no symbol table");
	for (size_t i = 1; i < lk->nsect; i++)
		if (lk->sh[i].sh_type == SHT_RELA &&
		    lk->sh[i].sh_link != lk->symsect)
			return bad(lk, "relocation section %zu uses another "
			    "symbol table", i);
	str = &lk->sh[lk->sh[lk->symsect].sh_link];
	if (str->sh_size == 0 || lk->img[str->sh_offset + str->sh_size - 1])
		return bad(lk, "symbol names not terminated");
	lk->strtab = (const char *)lk->img + str->sh_offset;
	lk->strsize = str->sh_size;
	lk->nsyms = lk->sh[lk->symsect].sh_size / sizeof(Elf64_Sym);
	return 0;
}

static int
check_symbols(struct link *lk)
{
	for (size_t i = 1; i < lk->nsyms; i++) {
		const Elf64_Sym *sym = &lk->syms[i];
		int bind = ELF64_ST_BIND(sym->st_info);

		if (sym->st_name >= lk->strsize)
			return bad(lk, "symbol %zu: name outside the string "
			    "table", i);
		if (sym->st_shndx == SHN_COMMON)
			return bad(lk, "common symbol %s (build with "
			    "-fno-common)", lk->strtab + sym->st_name);
		if (sym->st_shndx == SHN_UNDEF) {
			if (bind == STB_LOCAL)
				return bad(lk, "local symbol %zu undefined", i);
			continue;
		}
		if (sym->st_shndx == SHN_ABS)
			continue;
		if (sym->st_shndx >= lk->nsect)
			return bad(lk, "symbol %s: bad section %u",
			    lk->strtab + sym->st_name, sym->st_shndx);
		if (sym->st_value > lk->sh[sym->st_shndx].sh_size)
			return bad(lk, "symbol %s outside its section",
			    lk->strtab + sym->st_name);
	}
	return 0;
}

/* Which run a loaded section goes in: 0 code, 1 read-only, 2 writable. */
static int
run_of(const Elf64_Shdr *s)
{
	if (s->sh_flags & SHF_EXECINSTR)
		return 0;
	return (s->sh_flags & SHF_WRITE) ? 2 : 1;
}

/* Do relocations ask for stubs or GOT slots (one per symbol)? */
static void
count_indirect(const struct link *lk, bool *stubs, bool *got)
{
	*stubs = *got = false;
	for (size_t i = 1; i < lk->nsect; i++) {
		const Elf64_Shdr *s = &lk->sh[i];

		if (s->sh_type != SHT_RELA || !is_loaded(&lk->sh[s->sh_info]))
			continue;
		for (size_t j = 0; j < s->sh_size / sizeof(Elf64_Rela); j++) {
			Elf64_Rela r;	/* the image need not be aligned */
			uint32_t t;

			memcpy(&r, lk->img + s->sh_offset + j * sizeof(r),
			    sizeof(r));
			t = ELF64_R_TYPE(r.r_info);

			if (t == R_X86_64_PLT32)
				*stubs = true;
			if (t == R_X86_64_GOTPCREL ||
			    t == R_X86_64_GOTPCRELX ||
			    t == R_X86_64_REX_GOTPCRELX ||
			    t == R_X86_64_GOTPC32 || t == R_X86_64_GOTPC64 ||
			    t == R_X86_64_GOTOFF64)
				*got = true;
		}
	}
	for (size_t i = 1; i < lk->nsyms; i++)
		if (lk->syms[i].st_shndx == SHN_UNDEF &&
		    strcmp(lk->strtab + lk->syms[i].st_name, GOT_SYMBOL) == 0)
			*got = true;
}

static size_t
align_up(size_t v, size_t a)
{
	return a <= 1 ? v : (v + a - 1) & ~(a - 1);
}

static int
layout(struct link *lk)
{
	struct kobj *ko = lk->ko;
	size_t off = 0, runend[3];
	bool stubs, got;
	void *base;
	int error;

	count_indirect(lk, &stubs, &got);
	for (int run = 0; run < 3; run++) {
		if (run == 0 && stubs) {
			lk->stubs = off;
			off += lk->nsyms * STUB_SIZE;
		}
		if (run == 1 && got) {
			lk->got = off = align_up(off, 8);
			off += lk->nsyms * 8;
		}
		for (size_t i = 1; i < lk->nsect; i++) {
			const Elf64_Shdr *s = &lk->sh[i];

			if (!is_loaded(s) || run_of(s) != run)
				continue;
			off = align_up(off, s->sh_addralign);
			lk->secaddr[i] = off;	/* offset for now */
			off += s->sh_size;
			if (off > KOBJ_MAXSIZE)
				return bad(lk, "object too large");
		}
		runend[run] = off = align_up(off, PAGE_SIZE);
	}
	if (off == 0)
		return bad(lk, "nothing to load");
	if (!kmem_reserve(off))
		return ENOMEM;
	if ((error = rumpuser_kobj_map(off, &base)) != 0) {
		kmem_unreserve(off);
		return error;
	}
	ko->ko_base = base;
	ko->ko_size = off;
	ko->ko_textsize = runend[0];
	ko->ko_rosize = runend[1] - runend[0];
	for (size_t i = 1; i < lk->nsect; i++) {
		const Elf64_Shdr *s = &lk->sh[i];

		if (!is_loaded(s))
			continue;
		lk->secaddr[i] += (uintptr_t)base;
		if (s->sh_type != SHT_NOBITS)
			memcpy((void *)lk->secaddr[i], lk->img + s->sh_offset,
			    s->sh_size);
	}
	return 0;
}

/* Without a resolver (the first phase), undefined symbols wait. */
static int
resolve_symbols(struct link *lk, kobj_resolve_fn resolve, void *arg)
{
	for (size_t i = 1; i < lk->nsyms; i++) {
		const Elf64_Sym *sym = &lk->syms[i];
		const char *name = lk->strtab + sym->st_name;
		void *p;

		if (sym->st_shndx == SHN_UNDEF && resolve == NULL) {
			lk->symundef[i] = true;
		} else if (sym->st_shndx == SHN_ABS) {
			lk->symaddr[i] = sym->st_value;
		} else if (sym->st_shndx != SHN_UNDEF) {
			if (lk->secaddr[sym->st_shndx] == 0 &&
			    ELF64_ST_TYPE(sym->st_info) != STT_SECTION &&
			    ELF64_ST_BIND(sym->st_info) != STB_LOCAL)
				return bad(lk, "symbol %s in a section that is "
				    "not loaded", name);
			lk->symaddr[i] = lk->secaddr[sym->st_shndx] +
			    sym->st_value;
		} else if (strcmp(name, GOT_SYMBOL) == 0) {
			lk->symaddr[i] = (uintptr_t)lk->ko->ko_base + lk->got;
		} else if ((p = resolve(name, arg)) != NULL) {
			lk->symaddr[i] = (uintptr_t)p;
			lk->symundef[i] = true;
		} else if (ELF64_ST_BIND(sym->st_info) == STB_WEAK) {
			lk->symaddr[i] = 0;
		} else
			return bad(lk, "symbol `%s' not found", name);
	}
	return 0;
}

/* A stub that jumps to symbol i's address; made on first use. */
static uintptr_t
stub_for(struct link *lk, size_t i)
{
	unsigned char *st = (unsigned char *)lk->ko->ko_base + lk->stubs +
	    i * STUB_SIZE;
	static const unsigned char jmp[6] = { 0xff, 0x25, 0, 0, 0, 0 };
	uint64_t target = lk->symaddr[i];

	memcpy(st, jmp, sizeof(jmp));
	memcpy(st + 6, &target, sizeof(target));
	return (uintptr_t)st;
}

static uintptr_t
got_for(struct link *lk, size_t i)
{
	char *slot = lk->ko->ko_base + lk->got + i * 8;
	uint64_t v = lk->symaddr[i];

	memcpy(slot, &v, sizeof(v));
	return (uintptr_t)slot;
}

static uint64_t
got_base(const struct link *lk)
{
	return (uint64_t)(uintptr_t)lk->ko->ko_base + lk->got;
}

static int
put32(struct link *lk, char *where, int64_t v, bool sign, uint32_t type)
{
	if (sign ? (v < INT32_MIN || v > INT32_MAX) :
	    (v < 0 || v > (int64_t)UINT32_MAX))
		return bad(lk, "relocation type %u out of range", type);
	uint32_t w = (uint32_t)v;
	memcpy(where, &w, sizeof(w));
	return 0;
}

static int
relocate_one(struct link *lk, const Elf64_Shdr *target, uintptr_t base,
    const Elf64_Rela *r)
{
	uint32_t type = ELF64_R_TYPE(r->r_info);
	size_t si = ELF64_R_SYM(r->r_info);
	size_t width = (type == R_X86_64_64 || type == R_X86_64_PC64 ||
	    type == R_X86_64_GOTPC64 || type == R_X86_64_GOTOFF64) ? 8 : 4;
	uint64_t s, v;
	unsigned shndx;
	char *where;

	if (type == R_X86_64_NONE)
		return 0;
	if (si >= lk->nsyms)
		return bad(lk, "relocation names symbol %zu of %zu", si,
		    lk->nsyms);
	if (target->sh_type == SHT_NOBITS || r->r_offset > target->sh_size ||
	    width > target->sh_size - r->r_offset)
		return bad(lk, "relocation outside its section");
	shndx = lk->syms[si].st_shndx;
	if (si != 0 && shndx != SHN_UNDEF && shndx != SHN_ABS &&
	    lk->secaddr[shndx] == 0)
		return bad(lk, "relocation against a section not loaded");
	where = (char *)(base + r->r_offset);
	s = lk->symaddr[si];
	switch (type) {
	case R_X86_64_64:
		v = s + (uint64_t)r->r_addend;
		memcpy(where, &v, sizeof(v));
		return 0;
	case R_X86_64_PC64:
		v = s + (uint64_t)r->r_addend - (uint64_t)(uintptr_t)where;
		memcpy(where, &v, sizeof(v));
		return 0;
	case R_X86_64_PLT32:
		if (lk->symundef[si])
			s = stub_for(lk, si);
		/* FALLTHROUGH */
	case R_X86_64_PC32:
		return put32(lk, where, (int64_t)(s + (uint64_t)r->r_addend -
		    (uint64_t)(uintptr_t)where), true, type);
	case R_X86_64_GOTPCREL:
	case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX:
		return put32(lk, where, (int64_t)(got_for(lk, si) +
		    (uint64_t)r->r_addend - (uint64_t)(uintptr_t)where), true,
		    type);
	case R_X86_64_GOTPC32:
		return put32(lk, where, (int64_t)(got_base(lk) +
		    (uint64_t)r->r_addend - (uint64_t)(uintptr_t)where), true,
		    type);
	case R_X86_64_GOTPC64:
		v = got_base(lk) + (uint64_t)r->r_addend -
		    (uint64_t)(uintptr_t)where;
		memcpy(where, &v, sizeof(v));
		return 0;
	case R_X86_64_GOTOFF64:
		v = s + (uint64_t)r->r_addend - got_base(lk);
		memcpy(where, &v, sizeof(v));
		return 0;
	case R_X86_64_32:
		return put32(lk, where, (int64_t)(s + (uint64_t)r->r_addend),
		    false, type);
	case R_X86_64_32S:
		return put32(lk, where, (int64_t)(s + (uint64_t)r->r_addend),
		    true, type);
	default:
		return bad(lk, "unsupported relocation type %u", type);
	}
}

/* first: only relocations against symbols defined here. */
static int
relocate(struct link *lk, bool first)
{
	int error;

	for (size_t i = 1; i < lk->nsect; i++) {
		const Elf64_Shdr *s = &lk->sh[i];
		const Elf64_Shdr *target;
		size_t n;

		if (s->sh_type != SHT_RELA)
			continue;
		target = &lk->sh[s->sh_info];
		if (!is_loaded(target) || lk->secaddr[s->sh_info] == 0)
			continue;	/* debugging information */
		n = s->sh_size / sizeof(Elf64_Rela);
		for (size_t j = 0; j < n; j++) {
			Elf64_Rela r;

			memcpy(&r, lk->img + s->sh_offset + j * sizeof(r),
			    sizeof(r));
			if (first && ELF64_R_SYM(r.r_info) < lk->nsyms &&
			    lk->syms[ELF64_R_SYM(r.r_info)].st_shndx ==
			    SHN_UNDEF && ELF64_R_SYM(r.r_info) != 0)
				continue;
			if ((error = relocate_one(lk, target,
			    lk->secaddr[s->sh_info], &r)) != 0)
				return error;
		}
	}
	return 0;
}

/* Keep the global definitions, for kobj_lookup. */
static int
keep_symbols(struct link *lk)
{
	struct kobj *ko = lk->ko;
	size_t n = 0;

	for (size_t i = 1; i < lk->nsyms; i++)
		if (ELF64_ST_BIND(lk->syms[i].st_info) != STB_LOCAL &&
		    lk->syms[i].st_shndx != SHN_UNDEF)
			n++;
	if ((ko->ko_strtab = kmem_alloc(lk->strsize, KM_SLEEP)) == NULL ||
	    (n > 0 && (ko->ko_syms = kmem_alloc(n * sizeof(*ko->ko_syms),
	    KM_SLEEP)) == NULL))
		return ENOMEM;
	memcpy(ko->ko_strtab, lk->strtab, lk->strsize);
	ko->ko_strsize = lk->strsize;
	for (size_t i = 1; i < lk->nsyms; i++)
		if (ELF64_ST_BIND(lk->syms[i].st_info) != STB_LOCAL &&
		    lk->syms[i].st_shndx != SHN_UNDEF) {
			ko->ko_syms[ko->ko_nsyms].ks_name = ko->ko_strtab +
			    lk->syms[i].st_name;
			ko->ko_syms[ko->ko_nsyms++].ks_addr = lk->symaddr[i];
		}
	return 0;
}

static int
protect(struct kobj *ko)
{
	int error;

	if ((error = rumpuser_kobj_protect(ko->ko_base, ko->ko_textsize,
	    RUMPUSER_PROT_READ | RUMPUSER_PROT_EXEC)) != 0)
		return error;
	return rumpuser_kobj_protect(ko->ko_base + ko->ko_textsize,
	    ko->ko_rosize, RUMPUSER_PROT_READ);
}

/* Aligned copies of the section headers and symbols: the image may
 * sit at any address. */
static int
copy_tables(struct link *lk)
{
	Elf64_Shdr *sh;

	if ((sh = kmem_alloc(lk->nsect * sizeof(*sh), KM_SLEEP)) == NULL)
		return ENOMEM;
	memcpy(sh, lk->img + lk->eh->e_shoff, lk->nsect * sizeof(*sh));
	lk->sh = sh;
	return 0;
}

static int
copy_symbols(struct link *lk)
{
	const Elf64_Shdr *s = &lk->sh[lk->symsect];
	Elf64_Sym *syms;

	if ((syms = kmem_alloc(s->sh_size, KM_SLEEP)) == NULL)
		return ENOMEM;
	memcpy(syms, lk->img + s->sh_offset, s->sh_size);
	lk->syms = syms;
	if ((lk->secaddr = kmem_zalloc(lk->nsect * sizeof(uintptr_t),
	    KM_SLEEP)) == NULL ||
	    (lk->symaddr = kmem_zalloc(lk->nsyms * sizeof(uintptr_t),
	    KM_SLEEP)) == NULL ||
	    (lk->symundef = kmem_zalloc(lk->nsyms * sizeof(bool),
	    KM_SLEEP)) == NULL)
		return ENOMEM;
	return 0;
}

static void
link_free(struct link *lk)
{
	if (lk->sh != NULL && lk->syms != NULL)
		kmem_free((void *)lk->syms, lk->sh[lk->symsect].sh_size);
	if (lk->sh != NULL)
		kmem_free((void *)lk->sh, lk->nsect * sizeof(*lk->sh));
	if (lk->secaddr != NULL)
		kmem_free(lk->secaddr, lk->nsect * sizeof(uintptr_t));
	if (lk->symaddr != NULL)
		kmem_free(lk->symaddr, lk->nsyms * sizeof(uintptr_t));
	if (lk->symundef != NULL)
		kmem_free(lk->symundef, lk->nsyms * sizeof(bool));
	kmem_free(lk, sizeof(*lk));
}

static int
link_alloc(const void *image, size_t len, struct kobj **kop,
    struct link **lkp)
{
	struct link *lk;
	struct kobj *ko;

	if ((lk = kmem_zalloc(sizeof(*lk), KM_SLEEP)) == NULL)
		return ENOMEM;
	if ((ko = kmem_zalloc(sizeof(*ko), KM_SLEEP)) == NULL) {
		kmem_free(lk, sizeof(*lk));
		return ENOMEM;
	}
	lk->img = image;
	lk->len = len;
	lk->ko = ko;
	ko->ko_link = lk;
	*kop = ko;
	*lkp = lk;
	return 0;
}

int
kobj_load(const void *image, size_t len, struct kobj **kop, char *why,
    size_t whylen)
{
	struct link *lk;
	struct kobj *ko;
	int error;

	why[0] = '\0';
	if (len < sizeof(Elf64_Ehdr)) {
		snprintf(why, whylen, "file too short for an ELF header");
		return ENOEXEC;
	}
	if ((error = link_alloc(image, len, &ko, &lk)) != 0)
		return error;
	lk->why = why;
	lk->whylen = whylen;
	memcpy(&lk->ehcopy, image, sizeof(lk->ehcopy));	/* aligned */
	lk->eh = &lk->ehcopy;
	if ((error = check_header(lk)) == 0 &&
	    (error = copy_tables(lk)) == 0 &&
	    (error = check_sections(lk)) == 0 &&
	    (error = copy_symbols(lk)) == 0 &&
	    (error = check_symbols(lk)) == 0 &&
	    (error = layout(lk)) == 0 &&
	    (error = resolve_symbols(lk, NULL, NULL)) == 0 &&
	    (error = relocate(lk, true)) == 0)
		error = keep_symbols(lk);
	if (error != 0) {
		if (error == ENOMEM && why[0] == '\0')
			snprintf(why, whylen, "out of memory");
		kobj_unload(ko);
		return error;
	}
	*kop = ko;
	return 0;
}

int
kobj_affix(struct kobj *ko, kobj_resolve_fn resolve, void *arg, char *why,
    size_t whylen)
{
	struct link *lk = ko->ko_link;
	int error;

	KASSERT(lk != NULL);
	why[0] = '\0';
	lk->why = why;
	lk->whylen = whylen;
	if ((error = resolve_symbols(lk, resolve, arg)) == 0 &&
	    (error = relocate(lk, false)) == 0)
		error = protect(ko);
	link_free(lk);
	ko->ko_link = NULL;
	return error;
}

bool
kobj_contains(struct kobj *ko, const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)ko->ko_base;

	return a >= b && a - b <= ko->ko_size && len <= ko->ko_size - (a - b);
}

bool
kobj_in_text(struct kobj *ko, const void *p)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)ko->ko_base;

	return a >= b && a - b < ko->ko_textsize;
}

void
kobj_unload(struct kobj *ko)
{
	if (ko->ko_link != NULL)
		link_free(ko->ko_link);
	if (ko->ko_base != NULL) {
		rumpuser_kobj_unmap(ko->ko_base, ko->ko_size);
		kmem_unreserve(ko->ko_size);
	}
	if (ko->ko_strtab != NULL)
		kmem_free(ko->ko_strtab, ko->ko_strsize);
	if (ko->ko_syms != NULL)
		kmem_free(ko->ko_syms, ko->ko_nsyms * sizeof(*ko->ko_syms));
	kmem_free(ko, sizeof(*ko));
}

void *
kobj_lookup(struct kobj *ko, const char *name)
{
	for (size_t i = 0; i < ko->ko_nsyms; i++)
		if (strcmp(ko->ko_syms[i].ks_name, name) == 0)
			return (void *)ko->ko_syms[i].ks_addr;
	return NULL;
}

void
kobj_stat(struct kobj *ko, uintptr_t *addrp, size_t *sizep)
{
	*addrp = (uintptr_t)ko->ko_base;
	*sizep = ko->ko_size;
}

/*
 * C library functions kernel code may call (the compiler also emits
 * calls to the memory ones), with their _FORTIFY_SOURCE variants.
 * Anything else outside the kernel's libraries is not a kernel symbol.
 */
static const char *const host_syms[] = {
	"memcpy", "memmove", "memset", "memcmp", "memchr", "strlen",
	"strnlen", "strcmp", "strncmp", "strchr", "strrchr", "strcpy",
	"strncpy", "strcat", "strncat", "strstr", "snprintf", "vsnprintf",
	"__stack_chk_fail",
};

static bool
host_sym_allowed(const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < sizeof(host_syms) / sizeof(host_syms[0]); i++) {
		const char *h = host_syms[i];
		size_t hl = strlen(h);

		if (strcmp(name, h) == 0)
			return true;
		/* __memcpy_chk and friends */
		if (len == hl + 6 && strncmp(name, "__", 2) == 0 &&
		    strncmp(name + 2, h, hl) == 0 &&
		    strcmp(name + 2 + hl, "_chk") == 0)
			return true;
	}
	return false;
}

void *
kobj_kernel_sym(const char *name)
{
	bool kernel;
	void *p;

	if (rumpuser_kobj_sym(name, &p, &kernel) != 0)
		return NULL;
	if (!kernel && !host_sym_allowed(name))
		return NULL;
	return p;
}
