/* stap5 runtime: what target-variable accesses need.
 *
 * Pass 2 turns $vars, @cast and @var into reads of registers (@kregister,
 * @uregister: DWARF register numbers), of memory (@kderef, @uderef: 1, 2, 4
 * or 8 bytes, zero- or sign-extended) and link-time addresses of the probed
 * kernel (@address). Every read is fault-safe: a bad address is the
 * script's error, with stap's words, never an oops.
 */

/* 4.8's words, for kernel and user reads alike */
#define STP_MSG_TARGET_READ_FAULT "read fault [man error::fault] at 0x%lx"

/* Register `regno` (DWARF numbering) of the probed code. */
static inline int64_t stp_dwarf_register(const struct pt_regs *regs, int regno)
{
#ifdef CONFIG_X86_64
	switch (regno) {
	case 0: return regs->ax;
	case 1: return regs->dx;
	case 2: return regs->cx;
	case 3: return regs->bx;
	case 4: return regs->si;
	case 5: return regs->di;
	case 6: return regs->bp;
	case 7: return regs->sp;
	case 8: return regs->r8;
	case 9: return regs->r9;
	case 10: return regs->r10;
	case 11: return regs->r11;
	case 12: return regs->r12;
	case 13: return regs->r13;
	case 14: return regs->r14;
	case 15: return regs->r15;
	case 16: return regs->ip;
	}
#endif
	return 0;
}

/* @kregister(N) / @uregister(N): false (and the context's error set) when
 * the probe has no such registers. */
static inline bool stp_target_register(struct context *c, bool user, int regno,
				       int64_t *value)
{
	const struct pt_regs *regs = user ? c->uregs : c->kregs;

	if (unlikely(!regs)) {
		c->last_error = user ? "user registers unavailable in this probe"
				     : "kernel registers unavailable in this probe";
		return false;
	}
	*value = stp_dwarf_register(regs, regno);
	return true;
}

/* @kderef(size, addr) / @uderef(size, addr): false (and the context's
 * error set, as stap words it) on a fault. */
static inline bool stp_target_read(struct context *c, bool user, unsigned long addr,
				   unsigned size, bool is_signed, int64_t *value)
{
	union { u8 b; u16 w; u32 l; u64 q; } v;
	long rc = user ? stp_uread(&v, addr, size) : stp_kread(&v, addr, size);

	if (unlikely(rc)) {
		snprintf(c->error_buffer, sizeof(c->error_buffer),
			 STP_MSG_TARGET_READ_FAULT, addr);
		c->last_error = c->error_buffer;
		return false;
	}
	switch (size) {
	case 1: *value = is_signed ? (int64_t)(s8)v.b : (int64_t)v.b; break;
	case 2: *value = is_signed ? (int64_t)(s16)v.w : (int64_t)v.w; break;
	case 4: *value = is_signed ? (int64_t)(s32)v.l : (int64_t)v.l; break;
	default: *value = (int64_t)v.q; break;
	}
	return true;
}

#ifdef STP_KERNEL_ANCHOR
/* A link-time address of the kernel at run time (KASLR): the translator
 * names an exported function and its link-time address, whose run-time
 * address the module loader gives us. */

static inline unsigned long stp_kernel_address(unsigned long link)
{
	return link + ((unsigned long)&STP_KERNEL_ANCHOR - STP_KERNEL_ANCHOR_LINK);
}
#endif
