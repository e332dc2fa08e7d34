// kubeadm configuration API model. See ../shared/reference/kubeadm.md §9.
