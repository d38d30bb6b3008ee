// SPDX-License-Identifier: GPL-2.0
/*
 * Dump layer core: open a vmcore with libkdumpfile (ELF, makedumpfile
 * compressed, flattened: by libkdumpfile itself or via flattened.c's
 * memfd), read memory, VMCOREINFO and the
 * NT_PRSTATUS registers libkdumpfile exposes as cpu.N.reg.*.
 */
#define _GNU_SOURCE
#include "errbuf.h"
#include "dump_priv.h"
#include "flattened.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define KDUMP_MAGIC		"KDUMP   "	/* makedumpfile compressed */
#define ELF_MAGIC		"\177ELF"

/*
 * libkdumpfile reads makedumpfile's flattened format itself since 0.5.3;
 * csdextract leaves it to the library from 0.5.4 on, the version it is
 * tested with (Debian 13's), and rearranges into a memfd below that.
 * Checked when built (the headers) and when run: 0.5.1 and 0.5.4 share the
 * soname, so the library loaded must have kdump_set_filenames(), new in
 * 0.5.4 (a weak reference: NULL if not). CSDEXTRACT_FLAT=memfd forces the
 * memfd (the tests compare both paths on the same dumps).
 */
#if KDUMPFILE_VERSION >= KDUMPFILE_MKVER(0, 5, 4)
#define DUMP_LIB_READS_FLAT	1
#pragma weak kdump_set_filenames
#else
#define DUMP_LIB_READS_FLAT	0
#endif

static int lib_reads_flat(void)
{
#if DUMP_LIB_READS_FLAT
	const char *e = getenv("CSDEXTRACT_FLAT");

	if (e && !strcmp(e, "memfd"))
		return 0;
	return kdump_set_filenames != NULL;
#else
	return 0;
#endif
}

const char *dump_library_info(void)
{
#if DUMP_LIB_READS_FLAT
	if (kdump_set_filenames != NULL)
		return "libkdumpfile " KDUMPFILE_VERSION_STRING
			" (flattened dumps: read by libkdumpfile)";
	return "libkdumpfile " KDUMPFILE_VERSION_STRING
		" headers, an older library loaded (flattened dumps: rearranged in memory)";
#else
	return "libkdumpfile " KDUMPFILE_VERSION_STRING
		" (flattened dumps: rearranged in memory)";
#endif
}


/*
 * The dump is read through mmap(2): libkdumpfile's file cache then maps
 * 4 MiB blocks of the file instead of copying each 4 KiB piece into a
 * fresh buffer page. Each such page cost a page fault (~10 us on the VMs
 * here): mapping cuts a first run's faults by a third and its time by a
 * quarter (make bench). A mapping raises SIGBUS where a read reaches past
 * the end of the file (a truncated dump, a page descriptor pointing past
 * it) or the file cannot be read: the handler puts a page of zeros there,
 * which is what the read(2) path gives for a short read, so such a page
 * fails to decode as before, and the report says how many pages that was
 * (dump_warning()).
 * CSDEXTRACT_MMAP=never reads with read(2) (the tests compare both).
 */
static volatile sig_atomic_t past_eof_pages;
static uintptr_t past_eof_page_mask;

/* Signal context (SIGBUS): async-signal-safe calls only. */
static void past_eof_zero_page(int sig, siginfo_t *si, void *uc)
{
	struct sigaction dfl;
	uintptr_t pg;

	(void)uc;
	if (si->si_code == BUS_ADRERR && past_eof_page_mask) {
		pg = (uintptr_t)si->si_addr & past_eof_page_mask;
		if (mmap((void *)pg, ~past_eof_page_mask + 1, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
			past_eof_pages = past_eof_pages + 1;
			return;		/* the access is retried: zeros */
		}
	}
	/* anything else: the default action when the access is retried */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(sig, &dfl, NULL);
}

/* 1 if the dump is to be mapped (the guard is in place), 0 read(2). */
static int use_mmap(void)
{
	static int state;	/* 0 not asked, 1 map, -1 read */
	const char *e = getenv("CSDEXTRACT_MMAP");
	struct sigaction sa;
	long ps;

	if (e && !strcmp(e, "never"))
		return 0;
	if (state)
		return state > 0;
	state = -1;
	ps = sysconf(_SC_PAGESIZE);
	if (ps <= 0 || (ps & (ps - 1)))
		return 0;
	past_eof_page_mask = ~((uintptr_t)ps - 1);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = past_eof_zero_page;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL))
		return 0;
	state = 1;
	return 1;
}

static ssize_t read_head(int fd, unsigned char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = pread(fd, buf + got, len - got, (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* Format by magic: 0 ELF, 1 compressed, 2 flattened, -1 unknown. */
static int sniff(const unsigned char *h, size_t n)
{
	if (n >= 4 && !memcmp(h, ELF_MAGIC, 4))
		return DUMP_FMT_ELF;
	if (n >= 8 && !memcmp(h, KDUMP_MAGIC, 8))
		return DUMP_FMT_COMPRESSED;
	if (flat_is_flattened(h, n))
		return DUMP_FMT_FLATTENED;
	return -1;
}

/* An ELF dump shorter than its segments say: warn (reads there fail). */
static void check_elf_size(struct dump *d, int fd)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	struct stat st;
	uint64_t end = 0;
	unsigned int i;

	if (fstat(fd, &st) || pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr))
		return;
	for (i = 0; i < eh.e_phnum; i++) {
		uint64_t at = eh.e_phoff + (uint64_t)i * sizeof(ph);

		if (at < eh.e_phoff || at > (uint64_t)st.st_size ||
		    pread(fd, &ph, sizeof(ph), (off_t)at) != (ssize_t)sizeof(ph))
			break;
		if ((ph.p_type == PT_LOAD || ph.p_type == PT_NOTE) &&
		    ph.p_offset + ph.p_filesz >= ph.p_offset &&
		    ph.p_offset + ph.p_filesz > end)
			end = ph.p_offset + ph.p_filesz;
	}
	if (end > (uint64_t)st.st_size)
		snprintf(d->warning, sizeof(d->warning),
			 "ELF dump truncated: %llu bytes, its segments end at %llu",
			 (unsigned long long)st.st_size, (unsigned long long)end);
}

static int load_vmcoreinfo(struct dump *d)
{
	char *raw = NULL, *p;
	size_t len, cap = 64;

	if (kdump_vmcoreinfo_raw(d->ctx, &raw) != KDUMP_OK || !raw)
		return -1;
	len = strnlen(raw, DUMP_MAX_VMCOREINFO);
	d->vmci_buf = malloc(len + 1);
	d->vmci = calloc(cap, sizeof(*d->vmci));
	if (!d->vmci_buf || !d->vmci) {
		free(raw);
		return -1;
	}
	memcpy(d->vmci_buf, raw, len);
	d->vmci_buf[len] = '\0';
	free(raw);

	for (p = d->vmci_buf; *p && d->nr_vmci < DUMP_MAX_VMCI_LINES;) {
		char *nl = strchr(p, '\n'), *eq;

		if (nl)
			*nl = '\0';
		eq = strchr(p, '=');
		if (eq && eq != p) {
			if (d->nr_vmci == cap) {
				struct dump_vmci *n;

				n = realloc(d->vmci, 2 * cap * sizeof(*n));
				if (!n)
					return -1;
				d->vmci = n;
				cap *= 2;
			}
			*eq = '\0';
			d->vmci[d->nr_vmci].key = p;
			d->vmci[d->nr_vmci].val = eq + 1;
			d->nr_vmci++;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

struct dump *dump_open(const char *path, char *err, size_t errlen)
{
	unsigned char head[64];
	struct dump *d;
	struct stat st;
	kdump_status ks;
	ssize_t n;
	int fmt, kfd;

	d = calloc(1, sizeof(*d));
	if (!d) {
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	d->fd = d->memfd = -1;
	d->nr_cpus = -1;
	d->past_eof_base = past_eof_pages;

	d->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0) {
		seterr(err, errlen, "cannot open: %s", strerror(errno));
		goto fail;
	}
	if (fstat(d->fd, &st)) {
		seterr(err, errlen, "cannot stat: %s", strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		seterr(err, errlen, "is a directory");
		goto fail;
	}
	n = read_head(d->fd, head, sizeof(head));
	if (n < 0) {
		seterr(err, errlen, "cannot read: %s", strerror(errno));
		goto fail;
	}
	if (n == 0) {
		seterr(err, errlen, "empty file");
		goto fail;
	}
	fmt = sniff(head, (size_t)n);
	if (fmt < 0) {
		seterr(err, errlen,
		       "unknown dump format (not ELF, makedumpfile compressed or flattened)");
		goto fail;
	}
	d->format = (enum dump_format)fmt;
	kfd = d->fd;
	/* A whole flattened kdump-compressed dump: libkdumpfile reads it. */
	if (fmt == DUMP_FMT_FLATTENED && lib_reads_flat() &&
	    flat_is_whole(d->fd, KDUMP_MAGIC, 8)) {
		d->flat_direct = 1;
		fmt = DUMP_FMT_COMPRESSED;
	}
	/* Older libraries, flattened ELF, cut short or damaged: the memfd. */
	if (fmt == DUMP_FMT_FLATTENED) {
		char ferr[200];
		int trunc;

		d->memfd = flat_rearrange(d->fd, &trunc, ferr, sizeof(ferr));
		if (d->memfd < 0) {
			seterr(err, errlen, "%s", ferr);
			goto fail;
		}
		if (trunc)
			snprintf(d->warning, sizeof(d->warning), "%s", ferr);
		n = read_head(d->memfd, head, sizeof(head));
		fmt = n > 0 ? sniff(head, (size_t)n) : -1;
		if (fmt != DUMP_FMT_ELF && fmt != DUMP_FMT_COMPRESSED) {
			seterr(err, errlen,
			       "flattened dump does not hold an ELF or compressed dump");
			goto fail;
		}
		kfd = d->memfd;
	}

	if (fmt == DUMP_FMT_ELF && !d->warning[0])
		check_elf_size(d, kfd);

	d->ctx = kdump_new();
	if (!d->ctx) {
		seterr(err, errlen, "out of memory (libkdumpfile context)");
		goto fail;
	}
	/* mmap(2) where it works (see use_mmap()), else read(2) */
	ks = kdump_set_number_attr(d->ctx, KDUMP_ATTR_FILE_MMAP_POLICY,
				   use_mmap() ? KDUMP_MMAP_TRY : KDUMP_MMAP_NEVER);
	if (ks == KDUMP_OK)
		ks = kdump_set_number_attr(d->ctx, KDUMP_ATTR_ZERO_EXCLUDED, 1);
	/*
	 * A small page cache: a report touches each dump page about once
	 * (~150-600 pages), and every new slot of the default 1024 is fresh
	 * memory whose first touch faults (~10 us a fault on the VMs here);
	 * 64 reused slots cut a first run by ~15% (make bench). Pages read
	 * twice (kallsyms bisection tops) mostly stay in.
	 */
	if (ks == KDUMP_OK)
		ks = kdump_set_number_attr(d->ctx, "cache.size", 64);
	if (ks == KDUMP_OK)
		ks = kdump_open_fd(d->ctx, kfd);
	if (ks != KDUMP_OK) {
		seterr(err, errlen, "libkdumpfile: %s%s%s", kdump_get_err(d->ctx),
		       d->warning[0] ? "; " : "", d->warning);
		goto fail;
	}
	ks = kdump_set_string_attr(d->ctx, "addrxlat.ostype", "linux");
	if (ks != KDUMP_OK) {
		seterr(err, errlen, "libkdumpfile: cannot set up Linux address translation: %s%s%s",
		       kdump_get_err(d->ctx), d->warning[0] ? "; " : "",
		       d->warning);
		goto fail;
	}
	if (load_vmcoreinfo(d)) {
		seterr(err, errlen, "no VMCOREINFO in the dump%s%s",
		       d->warning[0] ? "; " : "", d->warning);
		goto fail;
	}
	return d;
fail:
	dump_close(d);
	return NULL;
}

void dump_close(struct dump *d)
{
	if (!d)
		return;
	dump_log_free(d);
	dump_kallsyms_free(d);
	if (d->pagemap)
		kdump_bmp_decref(d->pagemap);
	if (d->ctx)
		kdump_free(d->ctx);
	if (d->memfd >= 0)
		close(d->memfd);
	if (d->fd >= 0)
		close(d->fd);
	free(d->vmci);
	free(d->vmci_buf);
	free(d);
}

const char *dump_warning(struct dump *d)
{
	if (past_eof_pages > d->past_eof_base && !d->warning[0])
		snprintf(d->warning, sizeof(d->warning),
			 "%d page(s) of the dump file unreadable (past its end, or an I/O error): read as zeros",
			 (int)(past_eof_pages - d->past_eof_base));
	return d->warning[0] ? d->warning : NULL;
}

const char *dump_flat_method(const struct dump *d)
{
	if (d->format != DUMP_FMT_FLATTENED)
		return NULL;
	return d->flat_direct ? "libkdumpfile" : "memfd";
}

enum dump_format dump_format(const struct dump *d)
{
	return d->format;
}

const char *dump_format_name(const struct dump *d)
{
	switch (d->format) {
	case DUMP_FMT_ELF:
		return "elf";
	case DUMP_FMT_COMPRESSED:
		return "compressed";
	case DUMP_FMT_FLATTENED:
		return "flattened";
	}
	return "unknown";
}

static int do_read(struct dump *d, kdump_addrspace_t as, uint64_t addr,
		   void *buf, size_t len)
{
	size_t got;

	if (!len)
		return 0;
	if (addr + len < addr)
		return -1;
	got = len;
	if (kdump_read(d->ctx, as, addr, buf, &got) != KDUMP_OK || got != len)
		return -1;
#ifdef DUMP_FAULT_INJECT
	if (d->fault_permille) {
		uint64_t x = d->fault_rng;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		d->fault_rng = x;
		if (x % 1000 < d->fault_permille) {
			unsigned int k, nflip = 1 + (x >> 10) % 8;

			if ((x >> 20) % 4 == 0)
				return -1;
			for (k = 0; k < nflip; k++) {
				x = x * 6364136223846793005ULL + 1442695040888963407ULL;
				((unsigned char *)buf)[(x >> 33) % len] = (unsigned char)(x >> 8);
			}
		}
	}
#endif
	return 0;
}

#ifdef DUMP_FAULT_INJECT
void dump_fault_inject(struct dump *d, uint64_t seed, unsigned int permille)
{
	dump_log_free(d);
	d->log_state = 0;
	dump_kallsyms_free(d);
	d->ks.state = 0;
	d->fault_rng = seed | 1;
	d->fault_permille = permille;
}
#endif

static int pagemap_get(struct dump *d)
{
	kdump_attr_t a;
	kdump_num_t ps;

	if (d->pagemap_state)
		return d->pagemap_state;
	d->pagemap_state = -1;
	if (kdump_get_number_attr(d->ctx, KDUMP_ATTR_PAGE_SIZE, &ps) != KDUMP_OK ||
	    ps < 512 || ps > (1u << 24) || (ps & (ps - 1)))
		return -1;
	a.type = KDUMP_BITMAP;
	if (kdump_get_typed_attr(d->ctx, KDUMP_ATTR_FILE_PAGEMAP, &a) != KDUMP_OK ||
	    a.type != KDUMP_BITMAP || !a.val.bitmap)
		return -1;
	d->pagemap = a.val.bitmap;
	kdump_bmp_incref(d->pagemap);
	d->page_size = ps;
	d->pagemap_state = 1;
	return 1;
}

int dump_data_run(struct dump *d, uint64_t *start, uint64_t *end)
{
	kdump_addr_t pfn, from, to;
	uint64_t ps;
	int shift;

	if (pagemap_get(d) != 1)
		return -1;
	ps = d->page_size;
	shift = __builtin_ctzll(ps);
	from = (*start >> shift) + !!(*start & (ps - 1));
	if (from > (UINT64_MAX >> shift) - 1)
		return 0;
	pfn = from;
	switch (kdump_bmp_find_set(d->pagemap, &pfn)) {
	case KDUMP_OK:
		break;
	case KDUMP_ERR_NODATA:
		return 0;
	default:
		return -1;
	}
	/* a page map that answers below the question is not one to trust */
	if (pfn < from)
		return -1;
	if (pfn > (UINT64_MAX >> shift) - 1)
		return 0;
	to = pfn;
	if (kdump_bmp_find_clear(d->pagemap, &to) != KDUMP_OK || to <= pfn ||
	    to > (UINT64_MAX >> shift))
		to = pfn + 1;	/* unknown run end: one page at a time */
	*start = (uint64_t)pfn << shift;
	*end = (uint64_t)to << shift;
	return 1;
}

int dump_read_phys(struct dump *d, uint64_t paddr, void *buf, size_t len)
{
	return do_read(d, KDUMP_KPHYSADDR, paddr, buf, len);
}

int dump_read_virt(struct dump *d, uint64_t vaddr, void *buf, size_t len)
{
	return do_read(d, KDUMP_KVADDR, vaddr, buf, len);
}

/*
 * 1 when the page of kernel-virtual @vaddr is in the dump file, 0 when the
 * dump left it out (read as zeros: KDUMP_ATTR_ZERO_EXCLUDED), -1 unknown
 * (no page map, or no translation).
 */
int dump_virt_in_dump(struct dump *d, uint64_t vaddr)
{
	addrxlat_ctx_t *axctx = NULL;
	addrxlat_sys_t *axsys = NULL;
	addrxlat_fulladdr_t fa = { .addr = vaddr, .as = ADDRXLAT_KVADDR };
	uint64_t start, end;
	int r = -1;

	if (kdump_get_addrxlat(d->ctx, &axctx, &axsys) != KDUMP_OK)
		return -1;
	if (addrxlat_fulladdr_conv(&fa, ADDRXLAT_MACHPHYSADDR, axctx, axsys) == ADDRXLAT_OK) {
		/* the page's start: dump_data_run() looks from the next page
		 * boundary up */
		start = fa.addr & ~(uint64_t)(d->page_size ? d->page_size - 1 : 4095);
		switch (dump_data_run(d, &start, &end)) {
		case 1:
			r = start <= fa.addr;
			break;
		case 0:
			r = 0;
			break;
		}
	}
	addrxlat_ctx_decref(axctx);
	addrxlat_sys_decref(axsys);
	return r;
}

int dump_read_u64(struct dump *d, uint64_t vaddr, uint64_t *out)
{
	return dump_read_virt(d, vaddr, out, sizeof(*out));
}

const char *dump_vmcoreinfo(struct dump *d, const char *key)
{
	size_t i;

	for (i = 0; i < d->nr_vmci; i++)
		if (!strcmp(d->vmci[i].key, key))
			return d->vmci[i].val;
	return NULL;
}

int dump_vmcoreinfo_u64(struct dump *d, const char *key, uint64_t *out)
{
	const char *v = dump_vmcoreinfo(d, key);
	char *end;
	int hex;

	if (!v || !*v)
		return -1;
	hex = !strncmp(key, "SYMBOL(", 7) || !strncmp(key, "ADDRESS(", 8) ||
	      !strcmp(key, "KERNELOFFSET") || !strncmp(v, "0x", 2);
	errno = 0;
	if (hex) {
		*out = strtoull(v, &end, 16);
	} else if (*v == '-') {
		long long s = strtoll(v, &end, 10);

		*out = (uint64_t)s;
	} else {
		*out = strtoull(v, &end, 10);
	}
	if (errno || end == v || *end)
		return -1;
	return 0;
}

const char *dump_release(struct dump *d)
{
	const char *r = dump_vmcoreinfo(d, "OSRELEASE");

	if (!r && kdump_get_string_attr(d->ctx, "linux.uts.release", &r) != KDUMP_OK)
		r = NULL;
	return r ? r : "";
}

int dump_nr_cpus(struct dump *d)
{
	kdump_num_t n;

	if (d->nr_cpus >= 0)
		return d->nr_cpus;
	if (kdump_get_number_attr(d->ctx, "cpu.number", &n) != KDUMP_OK)
		n = 0;
	if (n > CS_MAX_CPUS)
		n = CS_MAX_CPUS;
	d->nr_cpus = (int)n;
	return d->nr_cpus;
}

/* Same order as struct cs_regs. */
static const char *const reg_names[] = {
	"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
	"rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "rflags",
	"rsp", "ss",
};

int dump_cpu_regs(struct dump *d, int cpu, struct cs_regs *regs)
{
	uint64_t *r = (uint64_t *)regs;
	size_t i;

	_Static_assert(sizeof(struct cs_regs) ==
		       sizeof(reg_names) / sizeof(reg_names[0]) * 8,
		       "cs_regs layout");
	if (cpu < 0 || cpu >= dump_nr_cpus(d))
		return -1;
	memset(regs, 0, sizeof(*regs));
	for (i = 0; i < sizeof(reg_names) / sizeof(reg_names[0]); i++) {
		char key[64];
		kdump_num_t v;

		snprintf(key, sizeof(key), "cpu.%d.reg.%s", cpu, reg_names[i]);
		if (kdump_get_number_attr(d->ctx, key, &v) != KDUMP_OK) {
			if (!strcmp(reg_names[i], "orig_rax"))
				continue;	/* optional */
			return -1;
		}
		r[i] = v;
	}
	return 0;
}

int dump_cpu_pid(struct dump *d, int cpu, uint32_t *pid)
{
	char key[48];
	kdump_num_t v;

	if (cpu < 0 || cpu >= dump_nr_cpus(d))
		return -1;
	snprintf(key, sizeof(key), "cpu.%d.pid", cpu);
	if (kdump_get_number_attr(d->ctx, key, &v) != KDUMP_OK)
		return -1;
	*pid = (uint32_t)v;
	return 0;
}
