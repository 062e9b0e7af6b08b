/*
 * Seccomp: Docker-format profiles (the default one and --security-opt seccomp=FILE) converted
 * to the runtime spec's linux.seccomp, with Docker's arch/capability/kernel conditions.
 */
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/xalloc.h"
#include "oci/internal.h"

#include "base/banned.h"

const char *
seccomp_native_arch(void)
{
#if defined(__x86_64__)
	return "amd64";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__i386__)
	return "x86";
#elif defined(__arm__)
	return "arm";
#elif defined(__s390x__)
	return "s390x";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return "ppc64le";
#else
	return "unknown";
#endif
}

/* libseccomp's name for a Go arch, as Docker maps them (only the ones we can build for). */
static const char *
scmp_arch(const char *arch)
{
	static const char *const map[][2] = {
		{ "x86", "SCMP_ARCH_X86" },	  { "amd64", "SCMP_ARCH_X86_64" },
		{ "arm", "SCMP_ARCH_ARM" },	  { "arm64", "SCMP_ARCH_AARCH64" },
		{ "s390x", "SCMP_ARCH_S390X" }, { "ppc64le", "SCMP_ARCH_PPC64LE" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcmp(map[i][0], arch) == 0)
			return map[i][1];
	return NULL;
}

static json_t *
str_array(const char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *
filter_obj(const char *const *arches, const char *const *caps, const char *min_kernel)
{
	json_t *o = json_object();

	if (arches)
		json_object_set_new(o, "arches", str_array(arches));
	if (caps)
		json_object_set_new(o, "caps", str_array(caps));
	if (min_kernel)
		json_object_set_new(o, "minKernel", json_string(min_kernel));
	return o;
}

json_t *
seccomp_default_profile(void)
{
	json_t *p = json_object(), *archmap = json_array(), *calls = json_array();

	json_object_set_new(p, "defaultAction", json_string("SCMP_ACT_ERRNO"));
	for (size_t i = 0; i < seccomp_default_n_archmap; i++) {
		const struct seccomp_archmap *a = &seccomp_default_archmap[i];

		json_array_append_new(archmap, json_pack("{s:s, s:o}", "architecture", a->arch,
							 "subArchitectures", str_array(a->sub)));
	}
	json_object_set_new(p, "archMap", archmap);
	for (size_t i = 0; i < seccomp_default_n_rules; i++) {
		const struct seccomp_rule *r = &seccomp_default_rules[i];
		json_t *c = json_object(), *args = json_array();

		json_object_set_new(c, "names", str_array(r->names));
		json_object_set_new(c, "action", json_string(r->action));
		if (r->errno_ret >= 0)
			json_object_set_new(c, "errnoRet", json_integer(r->errno_ret));
		for (size_t k = 0; k < r->n_args; k++)
			json_array_append_new(args,
					      json_pack("{s:I, s:I, s:I, s:s}", "index",
							(json_int_t)r->args[k].index, "value",
							(json_int_t)r->args[k].value, "valueTwo",
							(json_int_t)r->args[k].value_two, "op",
							r->args[k].op));
		json_object_set_new(c, "args", args);
		json_object_set_new(c, "includes",
				    filter_obj(r->inc_arches, r->inc_caps, r->inc_min_kernel));
		json_object_set_new(c, "excludes",
				    filter_obj(r->exc_arches, r->exc_caps, r->exc_min_kernel));
		json_array_append_new(calls, c);
	}
	json_object_set_new(p, "syscalls", calls);
	return p;
}

static int
json_strs_contain(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

static int
strv_has(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

/* kernel >= "maj.min" (Docker's kernelGreaterEqualThan); -1 on a malformed minKernel. */
static int
kernel_at_least(const char *kernel, const char *want)
{
	unsigned kmaj = 0, kmin = 0, wmaj, wmin;
	char tail;

	if (sscanf(want, "%u.%u%c", &wmaj, &wmin, &tail) != 2)
		return -1;
	if (sscanf(kernel, "%u.%u", &kmaj, &kmin) < 1)
		return 0;
	return kmaj > wmaj || (kmaj == wmaj && kmin >= wmin);
}

/* 1 when a rule's includes/excludes let it through for this arch, caps and kernel. */
static int
rule_applies(json_t *call, char *const *bounding, const char *arch, const char *kernel,
	     struct err **errp)
{
	json_t *exc = json_object_get(call, "excludes"), *inc = json_object_get(call, "includes");
	json_t *v, *mk;
	size_t i;
	int r;

	if (json_is_object(exc)) {
		if (json_strs_contain(json_object_get(exc, "arches"), arch))
			return 0;
		json_array_foreach(json_object_get(exc, "caps"), i, v)
			if (json_is_string(v) && strv_has(bounding, json_string_value(v)))
				return 0;
		mk = json_object_get(exc, "minKernel");
		if (json_is_string(mk)) {
			r = kernel_at_least(kernel, json_string_value(mk));
			if (r < 0)
				return err_set(errp, ERR_INVALID, "invalid kernel version: %s",
					       json_string_value(mk));
			if (r)
				return 0;
		}
	}
	if (json_is_object(inc)) {
		json_t *arches = json_object_get(inc, "arches");

		if (json_array_size(arches) > 0 && !json_strs_contain(arches, arch))
			return 0;
		json_array_foreach(json_object_get(inc, "caps"), i, v)
			if (json_is_string(v) && !strv_has(bounding, json_string_value(v)))
				return 0;
		mk = json_object_get(inc, "minKernel");
		if (json_is_string(mk)) {
			r = kernel_at_least(kernel, json_string_value(mk));
			if (r < 0)
				return err_set(errp, ERR_INVALID, "invalid kernel version: %s",
					       json_string_value(mk));
			if (!r)
				return 0;
		}
	}
	return 1;
}

static json_t *
convert_call(json_t *call, struct err **errp)
{
	json_t *name = json_object_get(call, "name"), *names = json_object_get(call, "names");
	json_t *out = json_object(), *v;
	json_t *args = json_object_get(call, "args");

	if (json_is_string(name) && json_string_length(name) > 0 && json_array_size(names) > 0) {
		json_decref(out);
		err_set(errp, ERR_INVALID,
			"'name' and 'names' were specified in the seccomp profile, use either 'name' or 'names'");
		return NULL;
	}
	if (json_is_string(name) && json_string_length(name) > 0)
		json_object_set_new(out, "names", json_pack("[O]", name));
	else
		json_object_set_new(out, "names", json_is_array(names) ? json_deep_copy(names)
								       : json_array());
	v = json_object_get(call, "action");
	json_object_set_new(out, "action", v ? json_deep_copy(v) : json_string(""));
	v = json_object_get(call, "errnoRet");
	if (json_is_integer(v))
		json_object_set(out, "errnoRet", v);
	if (json_array_size(args) > 0)
		json_object_set_new(out, "args", json_deep_copy(args));
	return out;
}

json_t *
seccomp_convert(json_t *profile, char *const *bounding, const char *arch, const char *kernel,
		int *ret_none, struct err **errp)
{
	json_t *def = json_object_get(profile, "defaultAction");
	json_t *calls = json_object_get(profile, "syscalls");
	json_t *arches = json_object_get(profile, "architectures");
	json_t *archmap = json_object_get(profile, "archMap");
	json_t *out, *ocalls, *v;
	const char *native = scmp_arch(arch);
	size_t i;

	*ret_none = 0;
	if (!json_is_object(profile))
		return err_set(errp, ERR_INVALID, "Decoding seccomp profile failed: not an object"),
		       NULL;
	if ((!json_is_string(def) || json_string_length(def) == 0) && json_array_size(calls) == 0) {
		*ret_none = 1;
		return NULL;
	}
	if (json_array_size(arches) > 0 && json_array_size(archmap) > 0)
		return err_set(errp, ERR_INVALID,
			       "'architectures' and 'archMap' were specified in the seccomp profile, use either 'architectures' or 'archMap'"),
		       NULL;
	out = json_object();
	json_object_set_new(out, "defaultAction", def ? json_deep_copy(def) : json_string(""));
	v = json_object_get(profile, "defaultErrnoRet");
	if (json_is_integer(v))
		json_object_set(out, "defaultErrnoRet", v);
	if (json_array_size(arches) > 0)
		json_object_set_new(out, "architectures", json_deep_copy(arches));
	json_array_foreach(archmap, i, v) {
		const char *a = json_string_value(json_object_get(v, "architecture"));

		if (native && a && strcmp(a, native) == 0) {
			json_t *list = json_array(), *sub = json_object_get(v, "subArchitectures");
			json_t *s;
			size_t k;

			json_array_append_new(list, json_string(a));
			json_array_foreach(sub, k, s)
				json_array_append(list, s);
			json_object_set_new(out, "architectures", list);
			break;
		}
	}
	v = json_object_get(profile, "flags");
	if (json_array_size(v) > 0)
		json_object_set_new(out, "flags", json_deep_copy(v));
	ocalls = json_array();
	json_object_set_new(out, "syscalls", ocalls);
	json_array_foreach(calls, i, v) {
		json_t *c;
		int r = rule_applies(v, bounding, arch, kernel, errp);

		if (r < 0)
			goto fail;
		if (r == 0)
			continue;
		c = convert_call(v, errp);
		if (!c)
			goto fail;
		json_array_append_new(ocalls, c);
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}
