from bilingual.cli.app import main

main()
