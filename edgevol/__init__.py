"""edgevol: block volumes for edge sites, one Ceph cluster per AZ."""
