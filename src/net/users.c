/* Which containers use a network: their nerdctl/networks labels, in every namespace. */
#include <string.h>

#include "base/json.h"
#include "base/xalloc.h"
#include "ctd/containers.h"
#include "ctd/labels.h"
#include "ctd/namespaces.h"
#include "net/net.h"
#include "base/banned.h"

int
net_network_users(struct ctd *c, const struct net_network *n, struct strv *ret,
		  struct err **errp)
{
	_cleanup_(ctd_msg_freep) CtdNamespaceList *nss = NULL;
	_cleanup_free_ char *saved = xstrdup(ctd_namespace(c));
	int r = 0;

	if (ctd_namespaces_list(c, &nss, errp) < 0)
		return -1;
	for (size_t i = 0; i < nss->n_namespaces && r == 0; i++) {
		_cleanup_(ctd_msg_freep) CtdContainerList *l = NULL;

		ctd_set_namespace(c, nss->namespaces[i]->name);
		if (ctd_containers_list(c, NULL, &l, errp) < 0) {
			r = -1;
			break;
		}
		for (size_t k = 0; k < l->n_containers; k++) {
			CtdContainer *ct = l->containers[k];
			const char *v = ctd_labels_get(ct->labels, ct->n_labels, "nerdctl/networks");
			const char *name = ctd_labels_get(ct->labels, ct->n_labels, "nerdctl/name");
			_cleanup_json_ json_t *a = NULL;
			json_t *e;
			size_t j;

			if (!v)
				continue;
			a = json_loads(v, 0, NULL);
			json_array_foreach(a, j, e)
				if (json_is_string(e) && strcmp(json_string_value(e), n->name) == 0)
					strv_pushf(ret, "%s", name && *name ? name : ct->id);
		}
	}
	ctd_set_namespace(c, saved);
	return r;
}
