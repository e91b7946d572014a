"""The sample outlets: each is a template module (its URL scheme and HTML) plus a YAML file of stories."""

from newsdesk.samplenet.outlets.global_courier import GlobalCourier
from newsdesk.samplenet.outlets.indus_herald import IndusHerald
from newsdesk.samplenet.outlets.meridian_wire import MeridianWire
from newsdesk.samplenet.outlets.quotidien_nations import QuotidienNations

# In the order the demo presents them: the daily, the wire, the international site, the French daily.
SITE_CLASSES = [IndusHerald, MeridianWire, GlobalCourier, QuotidienNations]
