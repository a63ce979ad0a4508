// linkbeat: the interface probes keepalived 2.2.7's linkbeat_interfaces polls with (vrrp_if.c):
// MII (SIOCGMIIPHY, then BMCR and BMSR twice over SIOCGMIIREG: link up if either BMSR read has
// BMSR_LSTATUS), ETHTOOL (SIOCETHTOOL ETHTOOL_GLINK) and the interface flags (SIOCGIFFLAGS).
// linkProbe(ifname, kind) -> status >= 0 (MII/ETHTOOL: 0 down, 1 up; FLAGS: ifr_flags) or -errno;
// MII answers -EIO when the PHY is there but its registers read as absent ("No MII transceiver").
#include <napi.h>

#include <cerrno>
#include <cstring>
#include <linux/ethtool.h>
#include <linux/mii.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

enum Kind { kMii = 0, kEthtool = 1, kFlags = 2 };

// The MII request lives in the ifreq's union (copied in and out: no type punning).
int MiiRead(int fd, ifreq* ifr, uint16_t phy, uint16_t reg, uint16_t* out) {
  mii_ioctl_data mii;
  memset(&mii, 0, sizeof(mii));
  mii.phy_id = phy;
  mii.reg_num = reg;
  memcpy(&ifr->ifr_ifru, &mii, sizeof(mii));
  if (ioctl(fd, SIOCGMIIREG, ifr) < 0) return -errno;
  memcpy(&mii, &ifr->ifr_ifru, sizeof(mii));
  *out = mii.val_out;
  return 0;
}

int Probe(int fd, const char* name, int kind) {
  ifreq ifr;
  memset(&ifr, 0, sizeof(ifr));
  strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  if (kind == kFlags) {
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) return -errno;
    return ifr.ifr_flags & 0xffff;
  }
  if (kind == kEthtool) {
    ethtool_value ev;
    memset(&ev, 0, sizeof(ev));
    ev.cmd = ETHTOOL_GLINK;
    ifr.ifr_data = reinterpret_cast<char*>(&ev);
    if (ioctl(fd, SIOCETHTOOL, &ifr) < 0) return -errno;
    return ev.data ? 1 : 0;
  }
  if (ioctl(fd, SIOCGMIIPHY, &ifr) < 0) return -errno;
  mii_ioctl_data got;
  memcpy(&got, &ifr.ifr_ifru, sizeof(got));
  uint16_t phy = got.phy_id;
  uint16_t bmcr = 0, bmsr = 0, again = 0;
  int r = MiiRead(fd, &ifr, phy, MII_BMSR, &bmsr);  // the driver answers BMSR at all
  if (r < 0) return r;
  if (MiiRead(fd, &ifr, phy, MII_BMCR, &bmcr) < 0 || bmcr == 0xffff) return -EIO;
  if (MiiRead(fd, &ifr, phy, MII_BMSR, &bmsr) < 0 || bmsr == 0) return -EIO;
  if (MiiRead(fd, &ifr, phy, MII_BMSR, &again) < 0) again = 0;  // the link bit is sticky: read twice
  return ((bmsr | again) & BMSR_LSTATUS) ? 1 : 0;
}

Napi::Value LinkProbe(const Napi::CallbackInfo& info) {
  std::string name = info[0].As<Napi::String>().Utf8Value();
  int kind = info[1].As<Napi::Number>().Int32Value();
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Napi::Number::New(info.Env(), -errno);
  int r = Probe(fd, name.c_str(), kind);
  close(fd);
  return Napi::Number::New(info.Env(), r);
}

}  // namespace

void InitLinkbeat(Napi::Env env, Napi::Object exports) {
  exports.Set("linkProbe", Napi::Function::New(env, LinkProbe));
}
