from sme_registry.process import exit_now

from .build import main

exit_now(main())
