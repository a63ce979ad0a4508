# Configs for measure-2.2.7.sh (sourced). r1 is the router under study; r2 only provides a
# higher-priority MASTER so r1 can be moved between BACKUP and MASTER.
conf_r1() { # $1 = initial | reload
cat <<EOC
global_defs {
    router_id r1
    vrrp_garp_master_delay 0
}
static_ipaddress {
    192.168.201.1/24 dev lan1 scope global label lan1:st
    192.168.201.2/32 dev lan1 scope host
    fd00:201::1/64 dev lan1
    192.168.201.3/32 dev lan1 no_track
}
static_routes {
    10.201.1.0/24 via 10.50.0.254 dev lan1
    10.201.2.0/24 dev lan1 scope link table 100
    10.201.3.0/24 via 10.50.0.254 dev lan1 metric 50 mtu 1400 advmss 1360 src 10.50.0.1
    blackhole 10.201.4.0/24
    unreachable 10.201.5.0/24 table 100
    prohibit 10.201.6.0/24 metric 7
    10.201.7.0/24 nexthop via 10.50.0.253 dev lan1 weight 2 nexthop via 10.50.0.252 dev lan1
    10.201.8.0/24 via 10.50.0.254 dev lan1 no_track
    10.201.9.0/24 via 10.70.0.254 dev lan1 onlink
    10.201.10.0/24 via 10.50.0.254 dev lan1 protocol static
    10.201.11.0/24 dev lan1 realms 1/2
    fd00:201:1::/64 via fd00:50::fe dev lan1
    fd00:201:2::/64 dev lan1 metric 300 pref high
    throw 10.201.12.0/24 table 100
    10.201.13.0/24 dev lan1 table 200 initcwnd 10 rto_min 300ms
$( [ "$1" = initial ] && echo "    10.201.14.0/24 via 10.50.0.254 dev lan1 metric 14" )
$( [ "$1" = reload ] && echo "    10.201.15.0/24 via 10.50.0.254 dev lan1 metric 15" )
}
static_rules {
    from 10.202.1.0/24 table 100 preference 100
    to 10.202.2.0/24 lookup 200 priority 101
    iif lan1 table 100 preference 102
    fwmark 0x10/0xff table 100 preference 103
    from all fwmark 7 goto 110 preference 104
    from 10.202.3.0/24 blackhole preference 105
    from 10.202.4.0/24 unreachable preference 106
    from 10.202.5.0/24 prohibit preference 107
    not from 10.202.6.0/24 table 100 preference 108
    from 10.202.7.0/24 nop preference 109
    oif lan1 table 100 preference 111
    tos 0x10 table 100 preference 112
    from 10.202.8.0/24 sport 1000-2000 dport 80 ipproto tcp table 100 preference 113
    uidrange 1000-2000 table 100 preference 114
    from 10.202.9.0/24 table 100 suppress_prefixlength 0 preference 115
    from 10.202.10.0/24 table 100 realms 3/4 preference 116
    from 10.202.11.0/24 table 100
    from fd00:202::/64 table 100 preference 120
    from fd00:202:1::/64 table 100
    from 10.202.12.0/24 table 100 preference 121 no_track
    from 10.202.13.0/24 table 100 preference 122 protocol 5
    from 10.202.14.0/24 table 100 tunnel-id 5 preference 123
$( [ "$1" = initial ] && echo "    from 10.202.15.0/24 table 100 preference 124" )
$( [ "$1" = reload ] && echo "    from 10.202.16.0/24 table 100 preference 125" )
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    virtual_ipaddress {
        10.199.0.100/24
    }
    virtual_ipaddress_excluded {
        fd00:199::100/64
    }
    virtual_routes {
        10.203.1.0/24 via 10.199.0.254 dev eth0
        10.203.2.0/24 dev lan2 table 100
        blackhole 10.203.3.0/24
        10.203.4.0/24 via 10.199.0.254 dev eth0 no_track
        src 10.199.0.100 10.203.5.0/24 dev eth0
        fd00:203:1::/64 via fd00:199::fe dev eth0
        10.203.6.0/24 nexthop via 10.199.0.253 dev eth0 nexthop via 10.199.0.252 dev eth0
        10.203.7.0/24 via 10.98.0.1 dev eth0
        default via 10.199.0.254 dev eth0 table 101
$( [ "$1" = initial ] && echo "        10.203.8.0/24 via 10.199.0.254 dev eth0 metric 8" )
$( [ "$1" = reload ] && echo "        10.203.9.0/24 via 10.199.0.254 dev eth0 metric 9" )
    }
    virtual_rules {
        from 10.204.1.0/24 table 100 preference 200
        to 10.204.2.0/24 table 100 preference 201 no_track
        from fd00:204::/64 table 100 preference 202
        iif lan2 table 100 preference 203
$( [ "$1" = initial ] && echo "        from 10.204.8.0/24 table 100 preference 208" )
$( [ "$1" = reload ] && echo "        from 10.204.9.0/24 table 100 preference 209" )
    }
}
EOC
}

conf_r2() {
cat <<EOC
global_defs {
    router_id r2
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 200
    advert_int 1
    virtual_ipaddress {
        10.199.0.100/24
    }
}
EOC
}
